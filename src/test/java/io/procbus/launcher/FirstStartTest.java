package io.procbus.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.auth.TokenStore;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safe first start: when a token file is made, where, with which mode, and when a node refuses to start. */
class FirstStartTest {

  private static JsonObject config(String tcpHost, String sockJsHost, String httpHost) {
    return new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("host", tcpHost)
        .put("port", 7000)).put("sockjs", new JsonObject().put("enabled", true).put("host", sockJsHost)
        .put("port", 8080)))
      .put("http", new JsonObject().put("enabled", true).put("host", httpHost).put("port", 8081));
  }

  private static Map<String, String> env(Path state) {
    return Map.of("PROCBUS_STATE_DIR", state.toString());
  }

  @Test
  void aNodeOnLoopbackGetsAPrivateTokenFileWhichALaterStartReuses(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("a/b/state");
    JsonObject config = config("127.0.0.1", "localhost", "::1");
    FirstStart first = prepare(config, env(state));
    Path file = state.resolve("tokens.json");
    assertEquals(file.toString(), config.getJsonObject("auth").getString("tokenFile"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    String content = Files.readString(file);
    String token = new JsonObject(content).getJsonArray("tokens").getJsonObject(0).getString("token");
    assertEquals(System.getProperty("user.name"), TokenStore.load(file.toString()).authenticate(token).name());
    assertTrue(first.line(7000, 8080).startsWith("procbus: first start: made token file " + file), first.line(7000, 8080));
    assertFalse(first.line(7000, 8080).contains(token));

    FirstStart again = prepare(config("127.0.0.1", "127.0.0.1", "127.0.0.1"), env(state));
    assertEquals(content, Files.readString(file), "reused, not replaced");
    assertTrue(again.line(7001, 8080).startsWith("procbus: token file " + file), again.line(7001, 8080));
    assertTrue(again.line(7001, 8080).contains("PROCBUS_STATE_DIR=" + state + " PROCBUS_TCP_PORT=7001 bin/procbus run"
      + " -- echo hello; console: http://127.0.0.1:8080/"), again.line(7001, 8080));
  }

  @Test
  void aListenerBeyondLoopbackWithoutATokenFileRefusesToStartAndMakesNothing(@TempDir Path dir) {
    Path state = dir.resolve("state");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> prepare(config("127.0.0.1", "127.0.0.1", "0.0.0.0"), env(state)));
    assertTrue(e.getMessage().contains("http.host 0.0.0.0") && e.getMessage().contains("auth.tokenFile"), e.getMessage());
    assertFalse(Files.exists(state));
  }

  @Test
  void aConfiguredTokenFileOrNoBridgeMeansNoFirstStart(@TempDir Path dir) {
    JsonObject configured = config("0.0.0.0", "0.0.0.0", "0.0.0.0")
      .put("auth", new JsonObject().put("tokenFile", "/etc/procbus/tokens.json"));
    assertNull(prepare(configured, env(dir)));
    JsonObject noBridges = new JsonObject().put("http", new JsonObject().put("enabled", true).put("host", "0.0.0.0"));
    assertNull(prepare(noBridges, env(dir)));
    assertFalse(Files.exists(dir.resolve("tokens.json")));
  }

  @Test
  void aTokenFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    prepare(config("127.0.0.1", "127.0.0.1", "127.0.0.1"), env(state));
    Files.setPosixFilePermissions(state.resolve("tokens.json"), PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> prepare(config("127.0.0.1", "127.0.0.1", "127.0.0.1"), env(state)));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void loopbackIsLoopback() {
    for (String host : new String[] {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
      assertTrue(FirstStart.isLoopback(host), host);
    }
    for (String host : new String[] {"0.0.0.0", "::", "10.1.2.3", "no-such-host.invalid"}) {
      assertFalse(FirstStart.isLoopback(host), host);
    }
  }

  /** The launcher's call: the options read from the config, both given the token file when one is made. */
  private static FirstStart prepare(JsonObject config, Map<String, String> env) {
    ProcbusOptions options = ProcbusOptions.fromConfig(config);
    FirstStart first = FirstStart.prepare(config, options, env);
    assertEquals(config.getJsonObject("auth", new JsonObject()).getString("tokenFile"),
      options.getAuth().getTokenFile(), "the options and the config name the same token file");
    return first;
  }
}
