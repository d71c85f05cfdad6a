package io.procbus.verticle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.EngineOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {

  @Test
  void anEmptyConfigGivesEveryDefaultAndARandomInstance() {
    ServiceSettings s = ServiceSettings.fromConfig(new JsonObject());
    assertEquals("procbus", s.prefix());
    assertTrue(s.instance().matches("[0-9a-f-]{36}"), s.instance());
    assertEquals(1024, s.maxProcesses());
    assertEquals(256, s.maxProcessesPerOwner());
    assertEquals(1 << 20, s.maxStdinMessageBytes());
    assertEquals(16 << 20, s.maxRunOutputBytes());
    assertEquals(10_000, s.spawnTimeoutMillis());
    assertEquals(30_000, s.leaseMillis());
    assertEquals(30_000, s.retainClosedMillis());
    assertEquals(EngineOptions.DEFAULT_KILL_GRACE_MILLIS, s.killGraceMillis());
    assertEquals(EngineOptions.DEFAULT_SHELL, s.engine().getShell());
  }

  @Test
  void everyKeyIsRead() {
    ServiceSettings s = ServiceSettings.fromConfig(new JsonObject().put("prefix", "p").put("instance", "node-1")
      .put("limits", new JsonObject().put("maxProcesses", 1).put("maxProcessesPerOwner", 2)
        .put("maxStdinMessageBytes", 3).put("maxRunOutputBytes", 4).put("spawnTimeoutMillis", 5)
        .put("leaseMillis", 6).put("retainClosedMillis", 7))
      .put("engine", new JsonObject().put("killGraceMillis", 8).put("shell", "/bin/bash").put("readBufferSize", 4096)));
    assertEquals("p", s.prefix());
    assertEquals("node-1", s.instance());
    assertEquals(1, s.maxProcesses());
    assertEquals(2, s.maxProcessesPerOwner());
    assertEquals(3, s.maxStdinMessageBytes());
    assertEquals(4, s.maxRunOutputBytes());
    assertEquals(5, s.spawnTimeoutMillis());
    assertEquals(6, s.leaseMillis());
    assertEquals(7, s.retainClosedMillis());
    assertEquals(8, s.killGraceMillis());
    assertEquals("/bin/bash", s.engine().getShell());
    assertEquals(4096, s.engine().getReadBufferSize());
  }

  @Test
  void unknownKeysWrongTypesAndBadValuesAreRefusedByName() {
    assertMessage("limits.maxProcesse", new JsonObject().put("limits", new JsonObject().put("maxProcesse", 1)));
    assertMessage("limits.leaseMillis", new JsonObject().put("limits", new JsonObject().put("leaseMillis", "30s")));
    assertMessage("limits.maxProcesses", new JsonObject().put("limits", new JsonObject().put("maxProcesses", 0)));
    assertMessage("engine.readBufferSize", new JsonObject().put("engine", new JsonObject().put("readBufferSize", 1)));
    assertMessage("instance", new JsonObject().put("instance", "a.b"));
    assertMessage("limits", new JsonObject().put("limits", 5));
    assertMessage("prefix", new JsonObject().put("prefix", "x."));
    assertMessage("colour", new JsonObject().put("colour", "blue"));
  }

  private static void assertMessage(String key, JsonObject config) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceSettings.fromConfig(config));
    assertTrue(e.getMessage().contains("'" + key), e.getMessage());
  }
}
