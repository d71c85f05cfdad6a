package io.procbus.ops;

import io.procbus.api.ExitStatus;
import io.procbus.api.Signal;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The lifecycle log: one INFO line per event (spawned, launch failed, exited, killed, lease expired, denied;
 * a WARNING for processes a previous run left)
 * naming the process id, its pid and its principal (the owner), then the same call to a delegate (the
 * metrics). Output bytes are never logged; of the command only the program is.
 *
 * <p>Logger {@code io.procbus.ops.LifecycleLog}: set it to WARNING to silence the lines.
 */
final class LifecycleLog implements ServiceMonitor {

  private static final Logger LOG = Logger.getLogger(LifecycleLog.class.getName());

  private final ServiceMonitor next;

  LifecycleLog(ServiceMonitor next) {
    this.next = next;
  }

  @Override
  public void spawned(String id, int pid, String owner, String program, long latencyNanos) {
    if (LOG.isLoggable(Level.INFO)) {
      LOG.info(String.format("process %s spawned: pid %d, owner %s, program %s, in %.1f ms", id, pid,
        principal(owner), program, latencyNanos / 1e6));
    }
    next.spawned(id, pid, owner, program, latencyNanos);
  }

  @Override
  public void launchFailed(String owner, String program, Throwable cause) {
    LOG.info(() -> "spawn failed: owner " + principal(owner) + ", program " + program + ": " + cause.getMessage());
    next.launchFailed(owner, program, cause);
  }

  @Override
  public void exited(String id, int pid, String owner, ExitStatus status) {
    LOG.info(() -> "process " + id + " exited: pid " + pid + ", owner " + principal(owner) + ", "
      + (status.code() != null ? "code " + status.code() : "signal " + Signal.nameOf(status.signal())));
    next.exited(id, pid, owner, status);
  }

  @Override
  public void killed(String id, int pid, String owner, long graceMillis) {
    LOG.info(() -> "process " + id + " killed: pid " + pid + ", owner " + principal(owner) + ", still running "
      + graceMillis + " ms after TERM");
    next.killed(id, pid, owner, graceMillis);
  }

  @Override
  public void leaseExpired(String owner, int processes) {
    LOG.info(() -> "lease expired: owner " + principal(owner) + ", terminating " + processes + " processes");
    next.leaseExpired(owner, processes);
  }

  @Override
  public void leftoversKilled(int processes, String stateDir) {
    // WARNING, not INFO: a previous run crashed with its watchdog, and its children ran on until now
    LOG.warning(() -> "killed " + processes + " processes left by a previous run (found in " + stateDir + ")");
    next.leftoversKilled(processes, stateDir);
  }

  @Override
  public void streamBytes(String stream, long bytes) {
    next.streamBytes(stream, bytes);
  }

  @Override
  public void paused(String stream) {
    next.paused(stream);
  }

  @Override
  public void denied(String principal, String action, String reason) {
    LOG.info(() -> "request denied: principal " + principal(principal) + ", action " + action + ": " + reason);
    next.denied(principal, action, reason);
  }

  private static String principal(String owner) {
    return owner == null ? "(detached)" : owner;
  }
}
