package io.procbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.EngineOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The service's part of the configuration, read strictly and checked for ranges, once. */
class ProcbusOptionsTest {

  @Test
  void anEmptyConfigGivesEveryDefault() {
    ProcbusOptions o = ProcbusOptions.fromConfig(new JsonObject());
    LimitsOptions l = o.getLimits();
    assertEquals("procbus", o.getPrefix());
    assertNull(o.getInstance(), "no instance: the service picks a random one");
    assertEquals(1024, l.getMaxProcesses());
    assertEquals(256, l.getMaxProcessesPerOwner());
    assertEquals(1 << 20, l.getMaxStdinMessageBytes());
    assertEquals(16 << 20, l.getMaxRunOutputBytes());
    assertEquals(10_000, l.getSpawnTimeoutMillis());
    assertEquals(30_000, l.getLeaseMillis());
    assertEquals(30_000, l.getRetainClosedMillis());
    assertEquals(EngineOptions.DEFAULT_KILL_GRACE_MILLIS, o.getEngine().getKillGraceMillis());
    assertEquals(EngineOptions.DEFAULT_SHELL, o.getEngine().getShell());
  }

  @Test
  void nullSectionsAreDefaults() {
    ProcbusOptions o = ProcbusOptions.fromConfig(new JsonObject().putNull("limits").putNull("engine"));
    assertEquals(LimitsOptions.DEFAULT_MAX_PROCESSES, o.getLimits().getMaxProcesses());
    assertEquals(EngineOptions.DEFAULT_SHELL, o.getEngine().getShell());
  }

  @Test
  void everyKeyIsRead() {
    ProcbusOptions o = ProcbusOptions.fromConfig(new JsonObject().put("prefix", "p").put("instance", "node-1")
      .put("limits", new JsonObject().put("maxProcesses", 1).put("maxProcessesPerOwner", 2)
        .put("maxStdinMessageBytes", 3).put("maxRunOutputBytes", 4).put("spawnTimeoutMillis", 5)
        .put("leaseMillis", 6).put("retainClosedMillis", 7))
      .put("engine", new JsonObject().put("killGraceMillis", 8).put("shell", "/bin/bash").put("readBufferSize", 4096)));
    LimitsOptions l = o.getLimits();
    assertEquals("p", o.getPrefix());
    assertEquals("node-1", o.getInstance());
    assertEquals(1, l.getMaxProcesses());
    assertEquals(2, l.getMaxProcessesPerOwner());
    assertEquals(3, l.getMaxStdinMessageBytes());
    assertEquals(4, l.getMaxRunOutputBytes());
    assertEquals(5, l.getSpawnTimeoutMillis());
    assertEquals(6, l.getLeaseMillis());
    assertEquals(7, l.getRetainClosedMillis());
    assertEquals(8, o.getEngine().getKillGraceMillis());
    assertEquals("/bin/bash", o.getEngine().getShell());
    assertEquals(4096, o.getEngine().getReadBufferSize());
  }

  @Test
  void unknownKeysWrongTypesAndBadValuesAreRefusedByName() {
    assertMessage("limits.maxProcesse", new JsonObject().put("limits", new JsonObject().put("maxProcesse", 1)));
    assertMessage("limits.leaseMillis", new JsonObject().put("limits", new JsonObject().put("leaseMillis", "30s")));
    assertMessage("limits.maxProcesses", new JsonObject().put("limits", new JsonObject().put("maxProcesses", 0)));
    assertMessage("limits.maxProcesses", new JsonObject().put("limits", new JsonObject().put("maxProcesses", 1.5)));
    assertMessage("limits.replayMaxBytes", new JsonObject().put("limits",
      new JsonObject().put("replayMaxBytes", LimitsOptions.MAX_REPLAY_BYTES + 1)));
    assertMessage("limits.replayMaxEvents", new JsonObject().put("limits", new JsonObject().put("replayMaxEvents", -1)));
    assertMessage("engine.readBufferSize", new JsonObject().put("engine", new JsonObject().put("readBufferSize", 1)));
    assertMessage("engine.shell", new JsonObject().put("engine", new JsonObject().put("shell", "")));
    assertMessage("engine.shell", new JsonObject().put("engine", new JsonObject().put("shell", 5)));
    assertMessage("instance", new JsonObject().put("instance", "a.b"));
    assertMessage("limits", new JsonObject().put("limits", 5));
    assertMessage("prefix", new JsonObject().put("prefix", "x."));
    assertMessage("colour", new JsonObject().put("colour", "blue"));
  }

  private static void assertMessage(String key, JsonObject config) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcbusOptions.fromConfig(config));
    assertTrue(e.getMessage().startsWith("bad configuration at '" + key + "'"), e.getMessage());
  }
}
