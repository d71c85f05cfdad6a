package io.procbus.launcher;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.CommunicateResult;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.config.ProcbusOptions;
import io.procbus.engine.EngineTestBase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Environment variables override configuration keys; a bad value stops startup naming the variable and the key. */
class EnvironmentOverridesTest extends EngineTestBase {

  @Test
  @Timeout(30)
  void variablesReplaceTheirKeysAndCreateMissingSections() throws Exception {
    JsonObject config = new JsonObject(Files.readString(Path.of("conf", "config.json")));
    config.remove("http");
    List<EnvironmentOverrides.Variable> applied = EnvironmentOverrides.applyToConfig(config, Map.of(
      "PROCBUS_HTTP_HOST", "0.0.0.0", "PROCBUS_HTTP_PORT", "9081", "PROCBUS_TCP_PORT", " 7100 ",
      "PROCBUS_SOCKJS_HOST", "10.0.0.1", "PROCBUS_NODE", "node-7", "PROCBUS_KILL_GRACE_MILLIS", "250",
      "UNRELATED", "x"));
    assertEquals(6, applied.size());
    ProcbusOptions o = ProcbusOptions.fromConfig(config);
    assertEquals("0.0.0.0", o.getHttp().getHost());
    assertEquals(9081, o.getHttp().getPort());
    assertEquals(7100, o.getBridges().getTcp().getPort());
    assertEquals("127.0.0.1", o.getBridges().getTcp().getHost(), "untouched");
    assertEquals("10.0.0.1", o.getBridges().getSockjs().getHost());
    assertEquals("node-7", o.getCluster().getNode());
    assertEquals(250, o.getEngine().getKillGraceMillis());
  }

  @Test
  @Timeout(30)
  void aValueOfTheWrongFormNamesTheVariableAndTheKey() {
    for (Map<String, String> env : List.of(Map.of("PROCBUS_TCP_PORT", "seventy"), Map.of("PROCBUS_TCP_PORT", "70000"),
      Map.of("PROCBUS_KILL_GRACE_MILLIS", "-1"), Map.of("PROCBUS_NODE", " "))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EnvironmentOverrides.applyToConfig(new JsonObject(), env));
      String name = env.keySet().iterator().next();
      String key = EnvironmentOverrides.VARIABLES.stream().filter(v -> v.name().equals(name)).findFirst()
        .orElseThrow().key();
      assertTrue(e.getMessage().contains(name) && e.getMessage().contains("'" + key + "'"), e.getMessage());
    }
    IllegalArgumentException notAnObject = assertThrows(IllegalArgumentException.class,
      () -> EnvironmentOverrides.applyToConfig(new JsonObject().put("http", 5), Map.of("PROCBUS_HTTP_PORT", "1")));
    assertTrue(notAnObject.getMessage().contains("PROCBUS_HTTP_PORT"), notAnObject.getMessage());
  }

  @Test
  @Timeout(30)
  void theTokenFileVariableSetsAuthTokenFileOrIsRefusedByTheStrictCheckNamingIt() {
    JsonObject config = new JsonObject();
    List<EnvironmentOverrides.Variable> applied =
      EnvironmentOverrides.applyToConfig(config, Map.of("PROCBUS_TOKEN_FILE", "/run/secrets/procbus-tokens"));
    assertEquals("/run/secrets/procbus-tokens", config.getJsonObject("auth").getString("tokenFile"));
    try {
      ProcbusOptions.fromConfig(config);
      // a build with the auth section: the variable is a plain override
    } catch (IllegalArgumentException e) {
      // a build without it: the strict check names 'auth', which the variable set
      assertTrue(e.getMessage().contains("'auth"), e.getMessage());
      EnvironmentOverrides.Variable v = EnvironmentOverrides.setting(applied, "auth");
      assertNotNull(v);
      assertEquals("PROCBUS_TOKEN_FILE", v.name());
      assertEquals(" (set by environment variable PROCBUS_TOKEN_FILE as 'auth.tokenFile')",
        EnvironmentOverrides.origin(applied, e.getMessage()));
    }
  }

  private CommunicateResult launch(Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "-conf", "conf/config.json");
    return engine.exec(argv, new ProcessOptions().setEnv(env).setStdout(Stdio.pipe()).setStderr(Stdio.pipe()))
      .compose(p -> p.communicate(null, Duration.ofSeconds(60)))
      .await(90, SECONDS);
  }

  /** Launches with {@code variable=value} and checks that startup stops naming the variable, the key and the value. */
  private void assertRefused(String variable, String value, String key) throws Exception {
    CommunicateResult r = launch(Map.of(variable, value));
    assertEquals(Main.BAD_CONFIG, r.returnCode());
    String err = r.stderr().toString();
    assertTrue(err.contains(variable) && err.contains("'" + key + "'") && err.contains(value), err);
  }

  @Test
  @Timeout(120)
  void aBadPortInTheEnvironmentStopsStartupNamingTheVariableAndTheKey() throws Exception {
    assertRefused("PROCBUS_HTTP_PORT", "eighty", "http.port");
  }

  @Test
  @Timeout(120)
  void aBadClusterPortInTheEnvironmentStopsStartupBeforeVertxStarts() throws Exception {
    assertRefused("PROCBUS_CLUSTER_PORT", "65536", "hz.port");
  }
}
