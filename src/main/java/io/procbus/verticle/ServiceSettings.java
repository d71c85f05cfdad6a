package io.procbus.verticle;

import io.procbus.api.EngineOptions;
import io.procbus.config.LimitsOptions;
import io.procbus.config.ProcbusOptions;
import io.procbus.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What {@link ProcessVerticle} runs with: its config read strictly as {@link ProcbusOptions} (an unknown key or
 * a wrong type fails the deployment, naming the key), then checked for ranges, with a random instance id when
 * none is given.
 *
 * <pre>{@code
 * {"prefix":"procbus","instance":"node-1",
 *  "limits":{"maxProcesses":1024,"maxProcessesPerOwner":256,"maxStdinMessageBytes":1048576,
 *            "maxRunOutputBytes":16777216,"spawnTimeoutMillis":10000,"leaseMillis":30000,
 *            "retainClosedMillis":30000,"replayMaxBytes":1048576,"replayMaxEvents":4096,"replayMaxClosed":64},
 *  "engine":{"killGraceMillis":5000,"shell":"/bin/sh","readBufferSize":65536}}
 * }</pre>
 */
record ServiceSettings(String prefix, String instance, int maxProcesses, int maxProcessesPerOwner,
                       int maxStdinMessageBytes, int maxRunOutputBytes, long spawnTimeoutMillis, long leaseMillis,
                       long retainClosedMillis, ReplayBounds replay, EngineOptions engine) {

  /** An instance id is one address segment. */
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_-]+");

  /** These settings with another instance id. */
  ServiceSettings withInstance(String id) {
    return new ServiceSettings(prefix, id, maxProcesses, maxProcessesPerOwner, maxStdinMessageBytes,
      maxRunOutputBytes, spawnTimeoutMillis, leaseMillis, retainClosedMillis, replay, engine);
  }

  /** The kill grace: between TERM and KILL when the service stops or gives a process up. */
  long killGraceMillis() {
    return engine.getKillGraceMillis();
  }

  /**
   * Reads {@code config}.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  static ServiceSettings fromConfig(JsonObject config) {
    return from(ProcbusOptions.fromConfig(config));
  }

  /**
   * Checks {@code o}, read strictly already.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  static ServiceSettings from(ProcbusOptions o) {
    String prefix = o.getPrefix();
    try {
      new Addresses(prefix);
    } catch (IllegalArgumentException e) {
      throw bad("prefix", e.getMessage());
    }
    String instance = o.getInstance();
    if (instance == null) {
      instance = UUID.randomUUID().toString();
    } else if (!INSTANCE.matcher(instance).matches()) {
      throw bad("instance", "must match " + INSTANCE + ", got '" + instance + "'");
    }
    LimitsOptions l = o.getLimits() == null ? new LimitsOptions() : o.getLimits();
    EngineOptions e = o.getEngine() == null ? new EngineOptions() : o.getEngine();
    atLeast("limits.maxProcesses", l.getMaxProcesses(), 1);
    atLeast("limits.maxProcessesPerOwner", l.getMaxProcessesPerOwner(), 1);
    atLeast("limits.maxStdinMessageBytes", l.getMaxStdinMessageBytes(), 1);
    atLeast("limits.maxRunOutputBytes", l.getMaxRunOutputBytes(), 0);
    atLeast("limits.spawnTimeoutMillis", l.getSpawnTimeoutMillis(), 1);
    atLeast("limits.leaseMillis", l.getLeaseMillis(), 1);
    atLeast("limits.retainClosedMillis", l.getRetainClosedMillis(), 0);
    atLeast("limits.replayMaxBytes", l.getReplayMaxBytes(), 0);
    atLeast("limits.replayMaxEvents", l.getReplayMaxEvents(), 0);
    atLeast("limits.replayMaxClosed", l.getReplayMaxClosed(), 0);
    atLeast("engine.killGraceMillis", e.getKillGraceMillis(), 0);
    atLeast("engine.readBufferSize", e.getReadBufferSize(), 1024);
    if (e.getShell() == null || e.getShell().isEmpty()) {
      throw bad("engine.shell", "must be a non-empty path");
    }
    return new ServiceSettings(prefix, instance, l.getMaxProcesses(), l.getMaxProcessesPerOwner(),
      l.getMaxStdinMessageBytes(), l.getMaxRunOutputBytes(), l.getSpawnTimeoutMillis(), l.getLeaseMillis(),
      l.getRetainClosedMillis(), new ReplayBounds(l.getReplayMaxBytes(), l.getReplayMaxEvents(),
      l.getReplayMaxClosed()), new EngineOptions(e));
  }

  private static void atLeast(String path, long value, long min) {
    if (value < min) {
      throw bad(path, "must be at least " + min + ", got " + value);
    }
  }

  private static IllegalArgumentException bad(String path, String what) {
    return new IllegalArgumentException("bad configuration at '" + path + "': " + what);
  }
}
