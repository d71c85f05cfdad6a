package io.procbus.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.Admission;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.SpawnRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, point 2: a sealed request opens, as sealed, only with the key that sealed it and only unchanged —
 * any change to what runs or to the limits makes its HMAC stale and the node refuses it with {@code DENIED}.
 */
class AdmissionKeyTest {

  private static final AdmissionKey KEY = AdmissionKey.perJvm();

  private static SpawnRequest admitted() {
    return new SpawnRequest().setCommand(List.of("/usr/bin/prlimit", "--nofile=64", "--", "/usr/bin/echo", "hi"))
      .setOwner("alice").setTimeoutMillis(60_000).setKillSignal("TERM")
      .setOptions(new ProcessOptions().setCwd("/tmp").setInheritEnv(false)
        .setEnv(Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8")));
  }

  private static SpawnRequest sealed() {
    return KEY.seal(new CommandPolicy.Decision(admitted(), 1000, "users", 4, List.of(Capabilities.RLIMITS)),
      "alice");
  }

  /** The JSON form, as a request travels on the bus between nodes. */
  private static SpawnRequest overTheBus(SpawnRequest r) {
    return new SpawnRequest(new JsonObject(r.toJson().encode()));
  }

  @Test
  void aSealedRequestOpensAsSealedAfterTheBusAndPlacement() {
    SpawnRequest travelled = overTheBus(sealed()).setNode("worker-7");
    CommandPolicy.Decision d = KEY.open(travelled);
    assertEquals(admitted().getCommand(), d.request().getCommand());
    assertEquals(Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"), d.request().getOptions().getEnv());
    assertEquals(1000, d.maxOutputBytes());
    assertEquals(4, d.maxLiveChildren());
    assertEquals("users", d.rule());
    assertEquals(List.of(Capabilities.RLIMITS), d.requires());
    assertEquals(null, d.request().getAdmission());
  }

  /** {@code mac} with its first character changed. */
  private static String flipped(String mac) {
    return (mac.charAt(0) == 'x' ? "y" : "x") + mac.substring(1);
  }

  @Test
  void anAlteredAdmissionIsDenied() {
    List<UnaryOperator<SpawnRequest>> alterations = List.of(
      r -> r.setCommand(List.of("/usr/bin/rm", "-rf", "/tmp/x")),
      r -> r.setCommand(List.of("/usr/bin/echo", "hi")), // the prlimit wrapper dropped
      r -> r.setShell("id").setCommand(null),
      r -> r.setOptions(new ProcessOptions(r.getOptions()).setEnv(Map.of("PATH", "/tmp", "LANG", "C.UTF-8"))),
      r -> r.setOptions(new ProcessOptions(r.getOptions()).setCwd("/")),
      r -> r.setOptions(new ProcessOptions(r.getOptions()).setInheritEnv(true)),
      r -> r.setTimeoutMillis(0),
      r -> r.setKillSignal("HUP"),
      r -> r.setDetached(true),
      r -> r.setOwner("mallory"),
      r -> r.setAdmission(new Admission(r.getAdmission()).setMaxOutputBytes(0)),
      r -> r.setAdmission(new Admission(r.getAdmission()).setMaxLiveChildren(1000)),
      r -> r.setAdmission(new Admission(r.getAdmission()).setRequires(List.of())),
      r -> r.setAdmission(new Admission(r.getAdmission()).setRule("operators")),
      r -> r.setAdmission(new Admission(r.getAdmission()).setPrincipal("mallory")),
      r -> r.setAdmission(new Admission(r.getAdmission()).setMac(null)),
      r -> r.setAdmission(new Admission(r.getAdmission()).setMac(flipped(r.getAdmission().getMac()))));
    for (int i = 0; i < alterations.size(); i++) {
      SpawnRequest altered = alterations.get(i).apply(overTheBus(sealed()));
      ProcessException e = assertThrows(ProcessException.class, () -> KEY.open(overTheBus(altered)), "alteration " + i);
      assertEquals(ErrorCode.DENIED, e.code(), "alteration " + i);
      assertEquals("admission", e.details().getString("rule"), "alteration " + i);
    }
  }

  @Test
  void aRequestSealedUnderAnotherKeyIsDeniedNamingBothKeys() throws Exception {
    Path file = Files.createTempFile("admission", ".key");
    Files.writeString(file, "0123456789abcdef0123456789abcdef-other-cluster\n");
    AdmissionKey other = AdmissionKey.load(file.toString());
    assertNotEquals(KEY.id(), other.id());
    assertEquals(other.id(), AdmissionKey.load(file.toString()).id(), "the id is the key's, stable across loads");
    SpawnRequest foreign = other.seal(new CommandPolicy.Decision(admitted(), 0, "users", 4, List.of()), "alice");
    ProcessException e = assertThrows(ProcessException.class, () -> KEY.open(foreign));
    assertEquals(ErrorCode.DENIED, e.code());
    assertTrue(e.getMessage().contains(other.id()) && e.getMessage().contains(KEY.id()), e.getMessage());
    // the same key id but another secret: a forged key id does not help
    SpawnRequest forged = overTheBus(foreign);
    forged.getAdmission().setKey(KEY.id());
    assertEquals(ErrorCode.DENIED, assertThrows(ProcessException.class, () -> KEY.open(forged)).code());
  }

  @Test
  void aShortKeyFileFailsNamingTheMinimum() throws Exception {
    Path file = Files.createTempFile("admission", ".key");
    Files.writeString(file, "short\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> AdmissionKey.load(file.toString()));
    assertTrue(e.getMessage().contains("at least " + AdmissionKey.MIN_KEY_BYTES), e.getMessage());
  }

  @Test
  void theAdmissionRoundTripsThroughJson() {
    Admission a = sealed().getAdmission();
    assertEquals(a.toJson(), new Admission(a.toJson()).toJson());
    assertEquals(a.toJson(), new Admission(a).toJson());
  }
}
