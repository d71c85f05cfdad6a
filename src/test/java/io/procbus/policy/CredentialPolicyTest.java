package io.procbus.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.SpawnRequest;
import io.procbus.auth.Principal;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The policy's credential checks, deny by default: a rule admits only the users and groups it lists, as written,
 * and a umask only with {@code umask: true}; through a bridge the JSON fields reach the child.
 */
class CredentialPolicyTest {

  private static final Principal ANN = new Principal("ann", List.of("user"));
  private static final JsonObject ALLOWING = new JsonObject().put("users", new JsonArray().add("nobody"))
    .put("groups", new JsonArray().add("nogroup")).put("umask", true);

  private static String deniedBy(CommandPolicy policy, ProcessOptions options) {
    ProcessException e = assertThrows(ProcessException.class, () -> policy.admit(ANN, new SpawnRequest()
      .setCommand(List.of("id")).setOwner("ann").setOptions(options), 0));
    assertEquals(ErrorCode.DENIED, e.code(), e.getMessage());
    return e.details().getString("rule");
  }

  @Test
  void aRuleWithoutUsersGroupsOrUmaskDeniesEach() {
    CommandPolicy policy = CommandPolicy.parse(EdgeFixture.policy(Path.of("/tmp"), new JsonObject()));
    assertEquals("user", deniedBy(policy, new ProcessOptions().setUser("nobody")));
    assertEquals("group", deniedBy(policy, new ProcessOptions().setGroup("nogroup")));
    assertEquals("group", deniedBy(policy, new ProcessOptions().setExtraGroups(List.of())));
    assertEquals("umask", deniedBy(policy, new ProcessOptions().setUmask(022)));
  }

  @Test
  void aRuleAdmitsWhatItListsAsWrittenAndTheSwitchNeedsARootNode() {
    CommandPolicy policy = CommandPolicy.parse(EdgeFixture.policy(Path.of("/tmp"), ALLOWING));
    CommandPolicy.Decision d = policy.admit(ANN, new SpawnRequest().setCommand(List.of("id")).setOwner("ann")
      .setOptions(new ProcessOptions().setUser("nobody").setGroup("nogroup").setExtraGroups(List.of("nogroup"))
        .setUmask(077)), 0);
    assertEquals("nobody", d.request().getOptions().getUser());
    assertEquals(077, d.request().getOptions().getUmask());
    assertEquals(List.of(Capabilities.CREDENTIALS), d.requires());
    assertTrue(Capabilities.ofThisNode().contains(Capabilities.CREDENTIALS), "a root node advertises it");
    assertEquals(List.of(), policy.admit(ANN, new SpawnRequest().setCommand(List.of("id")).setOwner("ann")
      .setOptions(new ProcessOptions().setUmask(077)), 0).requires(), "a umask needs no root");
    assertEquals("user", deniedBy(policy, new ProcessOptions().setUser("65534")), "nobody's id is not its name");
    assertEquals("user", deniedBy(policy, new ProcessOptions().setUser("root")));
    assertEquals("group", deniedBy(policy, new ProcessOptions().setUser("nobody").setGroup("root")));
    assertEquals("group", deniedBy(policy, new ProcessOptions().setUser("nobody")
      .setExtraGroups(List.of("nogroup", "0"))));
  }

  @Test
  void runAsExcludesUsersAndGroups() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandPolicy.parse(
      EdgeFixture.policy(Path.of("/tmp"), ALLOWING.copy().put("runAs", new JsonObject().put("uid", 1)
        .put("gid", 1)))));
    assertTrue(e.getMessage().contains("runAs"), e.getMessage());
  }

  @Test
  @Timeout(60)
  void throughTheBridgeTheChildRunsAsAdmittedAndAnotherUserIsDenied() throws Exception {
    try (EdgeFixture edge = EdgeFixture.start("credpol", ALLOWING, true);
         TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      // the child changes into the rule's root as its own user (docs/engine.md): let nobody in
      for (Path d : List.of(edge.dir, edge.root)) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      JsonObject ran = t.command("credpol.service", "run", run(new JsonObject().put("user", "nobody")));
      assertEquals("65534\n", stdout(ran));
      JsonObject denied = t.command("credpol.service", "run", run(new JsonObject().put("user", "root")));
      assertEquals("err", denied.getString("type"), denied.encode());
      assertEquals(ErrorCode.DENIED.code(), denied.getInteger("failureCode"));
      assertTrue(denied.getString("message").contains("denied by user"), denied.getString("message"));
    }
  }

  private static JsonObject run(JsonObject options) {
    return new JsonObject().put("request", new JsonObject().put("spawn", new JsonObject()
      .put("command", new JsonArray().add("id").add("-u")).put("options", options)));
  }

  private static String stdout(JsonObject reply) {
    assertEquals(0, reply.getJsonObject("body").getJsonObject("exitStatus").getInteger("code"), reply.encode());
    return new String(Base64.getUrlDecoder().decode(reply.getJsonObject("body").getString("stdout")),
      StandardCharsets.UTF_8);
  }
}
