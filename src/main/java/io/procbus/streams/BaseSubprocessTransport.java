package io.procbus.streams;

import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.PipeTransport;
import io.procbus.api.ProcessException;
import io.procbus.api.Signal;
import io.procbus.api.StdinWriter;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.TerminalSize;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.function.Supplier;

/**
 * What every transport of a child shares, local (the engine) or remote (the bus client): asyncio's
 * {@code BaseSubprocessTransport}. It owns the pid, the exit status and its future, the three pipes, the order of
 * the protocol's callbacks, the preconditions of a signal and an idempotent {@link #close()}; a subclass
 * supplies what differs: how the exit is learned, how a signal is sent and how the child is killed (OS calls or
 * bus commands).
 *
 * <p><b>Order of the protocol's callbacks</b>, for both: {@code connectionMade} first ({@link #made()}); per fd,
 * data before {@code pipeConnectionLost}; at exit ({@link #childExited}) every read pipe first delivers what it
 * already holds, paused or not ({@link ReadPipe#drainAtExit()}), so that every byte the child wrote before it
 * exited reaches the protocol before {@code processExited}; {@code connectionLost} last, once, when the exit is
 * known and every pipe is lost (and, remotely, the event stream ended: {@link #holdOpen()}), or when the child is
 * given up ({@link #giveUp}). This is the one place that ordering is kept: the service publishes its events in
 * the order of these callbacks, and the client turns them back into the same callbacks through this class.
 *
 * <p>Everything runs on {@link #context()}; public methods called from elsewhere are hopped onto it in call
 * order.
 *
 * @param <W> the stdin pipe's type
 * @param <R> the stdout and stderr pipes' type
 */
public abstract class BaseSubprocessTransport<W extends StdinQueue, R extends ReadPipe> implements ChildTransport {

  private final ChildContext on;
  private final ContextInternal context;
  private final SubprocessProtocol protocol;
  private final int pid;
  private final Promise<ExitStatus> exited;
  private W stdin;
  private R stdout;
  private R stderr;
  /** Pipes (and holds) not yet ended: {@code connectionLost} follows by itself only at 0. */
  private int open;
  private boolean finished;

  // Any thread: written on the context thread only
  private volatile boolean closing;
  private volatile ExitStatus exitStatus;
  /** The terminal's window size, or null without one. */
  private volatile TerminalSize terminal;

  /** A transport for the child {@code pid}, bound to {@code on}, calling {@code protocol}. */
  protected BaseSubprocessTransport(ChildContext on, SubprocessProtocol protocol, int pid) {
    this.on = on;
    this.context = on.context();
    this.protocol = protocol;
    this.pid = pid;
    this.exited = context.promise();
  }

  /** Sets the pipes ({@code null} where a stream is not a pipe); once, from the subclass's constructor. */
  protected final void pipes(W stdin, R stdout, R stderr) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    open += (stdin != null ? 1 : 0) + (stdout != null ? 1 : 0) + (stderr != null ? 1 : 0);
  }

  /** Says the child runs on a pseudo-terminal of {@code size}; once, from the subclass's constructor. */
  protected final void terminal(TerminalSize size) {
    this.terminal = size == null ? null : new TerminalSize(size);
  }

  // --- what subclasses provide

  /** The exit is known, or can no longer be: the child no longer counts as live. On the context. */
  protected abstract void exitObserved();

  /** Sends the signal once the common checks passed (the child has not exited here). On the context. */
  protected abstract Future<Void> signalChild(int signum, boolean group);

  /** {@link #close()} on an unfinished transport: kills the child if it runs; its pipes are lost right after. */
  protected abstract void closeChild();

  /** Sets the terminal's window size once the common checks passed (it has a terminal, not exited). On the context. */
  protected abstract Future<Void> resizeTerminal(int cols, int rows);

  /** Why a signal is refused before the exit is looked at, or {@code null} (the default) to go on. */
  protected ProcessException refuseSignal(int signum, boolean group) {
    return null;
  }

  /** Called once, right before {@code connectionLost(error)}. Does nothing by default. */
  protected void finishing(Throwable error) {
  }

  // --- events, for subclasses (on the context)

  /** Calls {@code connectionMade}. */
  protected final void made() {
    on.callUser(() -> protocol.connectionMade(this));
  }

  /**
   * The child exited with {@code status}: every read pipe delivers what it holds, paused or not; then the status
   * is set, {@code processExited} is called and {@link #exited()} completes; {@code connectionLost} follows once
   * every pipe is lost.
   */
  protected final void childExited(ExitStatus status) {
    drainPipes();
    exitStatus = status;
    exitObserved();
    on.callUser(protocol::processExited);
    exited.tryComplete(status);
    tryFinish();
  }

  /** Delivers what every read pipe already holds, paused or not. */
  protected final void drainPipes() {
    if (stdout != null) {
      stdout.drainAtExit();
    }
    if (stderr != null) {
      stderr.drainAtExit();
    }
  }

  /** The exit can no longer be learned: unless it is known, {@link #exited()} fails with {@code error}. */
  protected final void exitLost(Throwable error) {
    if (exitStatus == null) {
      exitObserved();
      exited.tryFail(error);
    }
  }

  /** Gives the child up with {@code error}: every pipe lost with it, the exit failed if unknown, connection lost. */
  protected final void giveUp(Throwable error) {
    if (finished) {
      return;
    }
    losePipes(error);
    exitLost(error);
    finish(error);
  }

  /** One more thing that must end before {@code connectionLost} follows by itself; ended by {@link #finish}. */
  protected final void holdOpen() {
    open++;
  }

  /** Calls {@code connectionLost(error)}, once. */
  protected final void finish(Throwable error) {
    if (finished) {
      return;
    }
    finished = true;
    finishing(error);
    on.callUser(() -> protocol.connectionLost(error));
  }

  /** Whether {@code connectionLost} was called. */
  public final boolean isFinished() {
    return finished;
  }

  /** The stdin pipe, or {@code null}. */
  protected final W stdinPipe() {
    return stdin;
  }

  /** The pipe of fd 1 or 2, or {@code null}. */
  protected final R readPipe(int fd) {
    return fd == 1 ? stdout : fd == 2 ? stderr : null;
  }

  private void losePipes(Throwable error) {
    if (stdin != null) {
      stdin.abandon(error);
    }
    if (stdout != null) {
      stdout.lose(error);
    }
    if (stderr != null) {
      stderr.lose(error);
    }
  }

  private void tryFinish() {
    if (open == 0 && exitStatus != null) {
      finish(null);
    }
  }

  // --- from the pipes (on the context)

  /** A chunk for the protocol; no allocation on this path. */
  final void pipeData(int fd, Buffer data) {
    try {
      protocol.pipeDataReceived(fd, data);
    } catch (Throwable t) {
      context.reportException(t);
    }
  }

  final void pipeLost(int fd, Throwable error) {
    open--;
    on.callUser(() -> protocol.pipeConnectionLost(fd, error));
    tryFinish();
  }

  final void callUser(Runnable callback) {
    on.callUser(callback);
  }

  final SubprocessProtocol protocol() {
    return protocol;
  }

  // --- SubprocessTransport

  @Override
  public final int pid() {
    return pid;
  }

  @Override
  public final Integer returnCode() {
    ExitStatus s = exitStatus;
    return s == null ? null : s.returnCode();
  }

  @Override
  public final ExitStatus exitStatus() {
    return exitStatus;
  }

  @Override
  public final Future<ExitStatus> exited() {
    return exited.future();
  }

  @Override
  public final PipeTransport pipe(int fd) {
    return fd == 0 ? stdin : readPipe(fd);
  }

  @Override
  public final StdinWriter stdinWriter() {
    return stdin;
  }

  @Override
  public final Future<Void> sendSignal(int signum) {
    return onContextFuture(() -> signal(signum, false));
  }

  @Override
  public final Future<Void> sendGroupSignal(int signum) {
    return onContextFuture(() -> signal(signum, true));
  }

  private Future<Void> signal(int signum, boolean group) {
    if (signum < 1 || signum > Signal.MAX_NUMBER) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "no signal " + signum));
    }
    ProcessException refused = refuseSignal(signum, group);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (exitStatus != null) {
      return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP,
        "process " + pid + " has exited (" + exitStatus + "): no signal sent"));
    }
    return signalChild(signum, group);
  }

  @Override
  public final TerminalSize terminalSize() {
    TerminalSize t = terminal;
    return t == null ? null : new TerminalSize(t);
  }

  @Override
  public final Future<Void> resize(int cols, int rows) {
    return onContextFuture(() -> {
      String problem = TerminalSize.problem(cols, rows);
      if (problem == null && terminal == null) {
        problem = "process " + pid + " has no terminal";
      }
      if (problem != null) {
        return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, problem));
      }
      if (exitStatus != null) {
        return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP,
          "process " + pid + " has exited (" + exitStatus + "): not resized"));
      }
      return resizeTerminal(cols, rows).onSuccess(v -> terminal = new TerminalSize(cols, rows));
    });
  }

  /**
   * Closes every pipe here at once and, if the child runs, kills it (SIGKILL); {@code processExited} and
   * {@code connectionLost} still follow. Idempotent; a no-op once finished. asyncio: {@code close()}.
   */
  @Override
  public final void close() {
    onContext(() -> {
      if (closing) {
        return;
      }
      closing = true;
      if (!finished) {
        closeChild();
        losePipes(null);
      }
    });
  }

  @Override
  public final boolean isClosing() {
    return closing;
  }

  // --- context plumbing

  @Override
  public final ContextInternal context() {
    return context;
  }

  /** Runs {@code action} on the context: now if on its thread (as current), else queued in call order. */
  @Override
  public final void onContext(Runnable action) {
    on.run(action);
  }

  @Override
  public final <T> Future<T> onContextFuture(Supplier<Future<T>> action) {
    return on.call(action);
  }

  /** The context the child is bound to, with its ways onto it. */
  protected final ChildContext childContext() {
    return on;
  }
}
