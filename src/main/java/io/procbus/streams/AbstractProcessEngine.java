package io.procbus.streams;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.StdioMode;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What every {@link ProcessEngine} shares, whether it spawns with the OS (the in-JVM engine) or with a service
 * command (the bus client): the four ways to start a child ({@code exec}/{@code shell}, as a
 * {@link ChildProcess} with inherited streams or to a {@link SubprocessProtocol} with pipes) over one
 * {@link #start}, and a close that runs once, from {@link #close()} or as a Vert.x close hook.
 */
public abstract class AbstractProcessEngine implements ProcessEngine, Closeable {

  /** What to run: a program and its arguments, or a command line for the shell. Either may be null (invalid). */
  protected record Command(boolean isShell, List<String> argv, String shell) {
  }

  /** On the bound context: spawns the child with a protocol and returns its started transport. */
  protected interface Spawn extends Function<SubprocessProtocol, Future<SubprocessTransport>> {
  }

  private final VertxInternal vertx;
  // Any thread
  private final AtomicReference<Promise<Void>> closing = new AtomicReference<>();

  /** An engine that the subclass registers as a close hook of {@code vertx} once it is constructed. */
  protected AbstractProcessEngine(VertxInternal vertx) {
    this.vertx = vertx;
  }

  @Override
  public final Future<ChildProcess> exec(List<String> argv, ProcessOptions options) {
    return start(new Command(false, argv, null), options, StdioMode.INHERIT,
      spawn -> StreamChildProcess.start(spawn, options.getLimit()));
  }

  @Override
  public final Future<ChildProcess> shell(String command, ProcessOptions options) {
    return start(new Command(true, null, command), options, StdioMode.INHERIT,
      spawn -> StreamChildProcess.start(spawn, options.getLimit()));
  }

  @Override
  public final Future<SubprocessTransport> subprocessExec(SubprocessProtocol protocol, List<String> argv,
                                                          ProcessOptions options) {
    return start(new Command(false, argv, null), options, StdioMode.PIPE, spawn -> spawn.apply(requireProtocol(protocol)));
  }

  @Override
  public final Future<SubprocessTransport> subprocessShell(SubprocessProtocol protocol, String command,
                                                           ProcessOptions options) {
    return start(new Command(true, null, command), options, StdioMode.PIPE, spawn -> spawn.apply(requireProtocol(protocol)));
  }

  private static SubprocessProtocol requireProtocol(SubprocessProtocol protocol) {
    if (protocol == null) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "protocol must not be null");
    }
    return protocol;
  }

  /**
   * Binds a context and, on it, validates {@code command} and {@code options} (bad input fails the future,
   * never throws), with {@code defaultMode} for the streams they leave unset, then hands {@code starter} the
   * {@link Spawn} of the child. {@code starter} may throw a {@link ProcessException}: it fails the future.
   */
  protected abstract <T> Future<T> start(Command command, ProcessOptions options, StdioMode defaultMode,
                                         Function<Spawn, Future<T>> starter);

  /** Whether {@link #close} was called. */
  protected final boolean isClosed() {
    return closing.get() != null;
  }

  /** The close under way, or {@code null} before {@link #close}. */
  protected final Promise<Void> closing() {
    return closing.get();
  }

  @Override
  public final Future<Void> close() {
    Promise<Void> p = Promise.promise();
    close(p);
    return p.future();
  }

  /** Closes as a Vert.x close hook too: the first call runs {@link #closeOnce}, every call gets its outcome. */
  @Override
  public final void close(Completable<Void> completion) {
    Promise<Void> mine = Promise.promise();
    if (closing.compareAndSet(null, mine)) {
      vertx.removeCloseHook(this);
      closeOnce(mine);
    }
    closing.get().future().onComplete(completion);
  }

  /** Closes the engine once; completes {@code done} when it is closed. */
  protected abstract void closeOnce(Promise<Void> done);
}
