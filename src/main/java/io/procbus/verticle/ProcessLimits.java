package io.procbus.verticle;

import io.procbus.api.Signal;
import io.procbus.api.SubprocessTransport;
import io.vertx.core.internal.ContextInternal;

/**
 * The limits the service puts on one running child: its run time (the kill signal at the timeout), its output
 * budget (the kill signal once past it, once) and the grace of a terminate (TERM now, KILL after the grace).
 * Each acts only while the child runs. Context thread only.
 */
final class ProcessLimits {

  private final ContextInternal context;
  private final long timeoutMillis;
  private final Signal killSignal;
  private SubprocessTransport transport;
  private long runTimer = -1;
  private long graceTimer = -1;
  /** Output budget, stdout and stderr together; 0 for none. */
  private long maxOutputBytes;
  private long outputBytes;

  ProcessLimits(ContextInternal context, long timeoutMillis, Signal killSignal) {
    this.context = context;
    this.timeoutMillis = timeoutMillis;
    this.killSignal = killSignal;
  }

  /** The child started: the run timer starts; {@code onTimeout} runs after the kill signal it sends. */
  void started(SubprocessTransport transport, Runnable onTimeout) {
    this.transport = transport;
    if (timeoutMillis > 0) {
      runTimer = context.setTimer(timeoutMillis, tid -> {
        runTimer = -1;
        if (running()) {
          transport.sendSignal(killSignal.number());
          onTimeout.run();
        }
      });
    }
  }

  /** Sets the output budget: past it, the kill signal is sent once. */
  void limitOutput(long maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
  }

  /** The child wrote {@code n} more bytes. */
  void output(int n) {
    long before = outputBytes;
    outputBytes += n;
    if (maxOutputBytes > 0 && before <= maxOutputBytes && outputBytes > maxOutputBytes && running()) {
      transport.sendSignal(killSignal.number());
    }
  }

  /** TERM now and, unless already pending, KILL after {@code graceMillis}; {@code onKilled} runs after a KILL. */
  void terminate(long graceMillis, Runnable onKilled) {
    if (!running()) {
      return;
    }
    transport.sendSignal(Signal.TERM.number());
    if (graceTimer == -1) {
      graceTimer = context.setTimer(Math.max(1, graceMillis), t -> {
        graceTimer = -1;
        if (running()) {
          transport.kill();
          onKilled.run();
        }
      });
    }
  }

  /** The child exited: no timer fires any more. */
  void exited() {
    if (runTimer != -1) {
      context.owner().cancelTimer(runTimer);
      runTimer = -1;
    }
    if (graceTimer != -1) {
      context.owner().cancelTimer(graceTimer);
      graceTimer = -1;
    }
  }

  private boolean running() {
    return transport != null && transport.exitStatus() == null;
  }
}
