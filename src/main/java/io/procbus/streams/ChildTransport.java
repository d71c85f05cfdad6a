package io.procbus.streams;

import io.procbus.api.ExitStatus;
import io.procbus.api.StdinWriter;
import io.procbus.api.SubprocessTransport;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.function.Supplier;

/**
 * What {@link StreamChildProcess} needs of a transport, local (the engine) or remote (the bus client).
 */
public interface ChildTransport extends SubprocessTransport {

  /** The context the child is bound to: every callback and future runs there. */
  ContextInternal context();

  /** Completes with the exit status, on the context. */
  Future<ExitStatus> exited();

  /** The stdin pipe as a writer, or {@code null} when stdin is not a pipe. */
  StdinWriter stdinWriter();

  /** Runs {@code action} on the context: now if already there, else queued in call order. */
  void onContext(Runnable action);

  /** Runs {@code action} on the context (now if already there) and returns its future. */
  <T> Future<T> onContextFuture(Supplier<Future<T>> action);
}
