package io.procbus.launcher;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.CommunicateResult;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.config.ProcbusOptions;
import io.procbus.engine.EngineTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as an operator runs it: a real {@code java} process with the project's class path. */
class MainTest extends EngineTestBase {

  private CommunicateResult launch(Path conf) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "-conf", conf.toString());
    return engine.exec(argv, new ProcessOptions().setStdout(Stdio.pipe()).setStderr(Stdio.pipe()))
      .compose(p -> p.communicate(null, Duration.ofSeconds(60)))
      .await(90, SECONDS);
  }

  @Test
  @Timeout(120)
  void anUnknownKeyStopsStartupNamingTheKey(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("config.json"), "{\"limits\":{\"maxProcesss\":10}}");
    CommunicateResult r = launch(conf);
    assertEquals(Main.BAD_CONFIG, r.returnCode());
    assertTrue(r.stderr().toString().contains("maxProcesss"), r.stderr().toString());
  }

  @Test
  @Timeout(120)
  void aWrongTypeStopsStartupNamingTheKey(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("config.json"), "{\"limits\":{\"leaseMillis\":\"soon\"}}");
    CommunicateResult r = launch(conf);
    assertEquals(Main.BAD_CONFIG, r.returnCode());
    assertTrue(r.stderr().toString().contains("limits.leaseMillis"), r.stderr().toString());
  }

  @Test
  @Timeout(120)
  void aMissingEventBusTlsFileStopsStartupNamingTheKey(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("node.key");
    Path conf = Files.writeString(dir.resolve("config.json"), new JsonObject().put("cluster", new JsonObject()
      .put("tls", new JsonObject().put("enabled", true).put("keyPath", missing.toString())
        .put("certPath", missing.toString()).put("trustPaths", new JsonArray().add("x"))))
      .encode());
    CommunicateResult r = launch(conf);
    assertEquals(Main.BAD_CONFIG, r.returnCode());
    assertTrue(r.stderr().toString().contains("'cluster.tls.keyPath'") && r.stderr().toString()
      .contains(missing.toString()), r.stderr().toString());
  }

  /**
   * The launcher's reader takes {@code conf/config.json} (an unknown key or a wrong type would throw, as above)
   * and reads every value in it as written: none is dropped or replaced by a default.
   */
  @Test
  @Timeout(30)
  void theShippedConfigurationIsValid() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(Path.of("conf/config.json")));

    JsonObject read = ProcbusOptions.fromConfig(shipped.copy()).toJson();

    assertFalse(shipped.isEmpty());
    assertValuesAsShipped("", shipped, read);
  }

  private static void assertValuesAsShipped(String path, JsonObject shipped, JsonObject read) {
    for (String key : shipped.fieldNames()) {
      Object value = shipped.getValue(key);
      Object got = read.getValue(key);
      if (value instanceof JsonObject section) {
        assertTrue(got instanceof JsonObject, "section " + path + key + " read as " + got);
        assertValuesAsShipped(path + key + ".", section, (JsonObject) got);
      } else if (value instanceof Number n) {
        assertTrue(got instanceof Number m && m.doubleValue() == n.doubleValue(), "value of " + path + key + ": "
          + got + ", shipped " + value);
      } else {
        assertEquals(value, got, "value of " + path + key);
      }
    }
  }
}
