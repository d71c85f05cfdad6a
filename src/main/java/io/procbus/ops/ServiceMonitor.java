package io.procbus.ops;

import io.procbus.api.ExitStatus;
import io.vertx.core.Vertx;

/**
 * What the process service reports to operations: one call per lifecycle event (for the log) and per counted
 * thing (for the metrics). Every method has a no-op default, so an implementation overrides only what it needs.
 *
 * <p>Calls come from the service's context; an implementation must be cheap (the stream calls are on the
 * hot path) and must never throw. Arguments carry ids, pids, owners and counts, never output bytes.
 */
public interface ServiceMonitor {

  /** Does nothing: the default when nothing observes the service. */
  ServiceMonitor NOOP = new ServiceMonitor() {
  };

  /**
   * The monitor of a service running in {@code vertx}: the lifecycle log, feeding the node's Micrometer
   * registry when Vert.x was started with metrics on (as the launcher does).
   */
  static ServiceMonitor of(Vertx vertx) {
    return new LifecycleLog(vertx.isMetricsEnabled() ? MicrometerMonitor.forDefaultRegistry() : NOOP);
  }

  /** A child started: {@code latencyNanos} from the accepted request to the child running. */
  default void spawned(String id, int pid, String owner, String program, long latencyNanos) {
  }

  /** A spawn failed before any child ran (bad program, bad cwd, limit of the OS…). */
  default void launchFailed(String owner, String program, Throwable cause) {
  }

  /** A child exited and was reaped. */
  default void exited(String id, int pid, String owner, ExitStatus status) {
  }

  /** A child was still running after the kill grace and got SIGKILL. */
  default void killed(String id, int pid, String owner, long graceMillis) {
  }

  /** An owner's lease expired: its {@code processes} non-detached children are being terminated. */
  default void leaseExpired(String owner, int processes) {
  }

  /**
   * At start, {@code processes} processes that a previous run of this node left running (its JVM and its
   * watchdog both died) were found in the state directory {@code stateDir} and killed.
   */
  default void leftoversKilled(int processes, String stateDir) {
  }

  /** {@code bytes} went through a child's {@code stream} ({@code stdin}, {@code stdout} or {@code stderr}). */
  default void streamBytes(String stream, long bytes) {
  }

  /** Flow control paused the reading of a child's {@code stream}: its owner ran out of credit. */
  default void paused(String stream) {
  }

  /**
   * A request was refused by policy. This is the hook of the edge (bridges, authentication, policy): call
   * {@code ServiceMonitor.of(vertx).denied(principal, action, reason)} once per refused request.
   */
  default void denied(String principal, String action, String reason) {
  }
}
