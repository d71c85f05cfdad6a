package io.procbus.engine;

import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessException;
import io.procbus.api.Signal;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.api.TerminalSize;
import io.procbus.engine.linux.Errno;
import io.procbus.engine.linux.Pidfd;
import io.procbus.engine.linux.Pty;
import io.procbus.engine.linux.SpawnedChild;
import io.procbus.streams.BaseSubprocessTransport;
import io.procbus.streams.ChildContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One child on its event-loop context: its pidfd and its pipes, watched on the loop, and the OS calls that
 * signal and kill it. {@link BaseSubprocessTransport} keeps the rest, and the order of the protocol's callbacks.
 * Everything here runs on {@link #context()}.
 */
final class EngineTransport extends BaseSubprocessTransport<StdinPipe, PipeReader> {

  private final LocalProcessEngine engine;
  private final boolean groupLeader;
  private final LoopFd pidfd;
  /**
   * A terminal child's pseudo-terminal master, held (not watched) until the exit is known: while it is open, the
   * reader and the stdin side may close their own fds (at EIO, at a hang-up) without hanging the terminal up under a
   * child that is still exiting. Null without a terminal.
   */
  private final FileDescriptor terminal;

  /** {@code size}: the size of the child's pseudo-terminal ({@link SpawnedChild#terminalFd()}), or null. */
  EngineTransport(LocalProcessEngine engine, ChildContext on, SubprocessProtocol protocol, SpawnedChild child,
                  boolean groupLeader, TerminalSize size) {
    super(on, protocol, child.pid());
    this.engine = engine;
    this.groupLeader = groupLeader;
    this.pidfd = new LoopFd(child.pidfd(), ops -> dispatch(this::onExitReadable));
    this.terminal = child.terminalFd() >= 0 ? new FileDescriptor(child.terminalFd()) : null;
    pipes(child.stdinFd() >= 0 ? new StdinPipe(this, child.stdinFd()) : null,
      child.stdoutFd() >= 0 ? new PipeReader(this, 1, child.stdoutFd(), terminal != null) : null,
      child.stderrFd() >= 0 ? new PipeReader(this, 2, child.stderrFd(), false) : null);
    terminal(size);
  }

  /**
   * Registers every fd on the context's loop, then calls {@code connectionMade} and starts watching.
   * On a registration failure the child is killed and reaped, and the future fails.
   */
  Future<SubprocessTransport> start() {
    assertOnContext();
    IoEventLoop loop = (IoEventLoop) context().nettyEventLoop();
    LoopFd[] fds = {pidfd, stdinPipe() == null ? null : stdinPipe().loopFd(),
      readPipe(1) == null ? null : readPipe(1).loopFd(), readPipe(2) == null ? null : readPipe(2).loopFd()};
    Promise<SubprocessTransport> started = context().promise();
    int[] pending = {0};
    Throwable[] firstError = {null};
    for (LoopFd fd : fds) {
      if (fd != null) {
        pending[0]++;
      }
    }
    for (LoopFd fd : fds) {
      if (fd == null) {
        continue;
      }
      fd.register(loop, error -> context().execute(() -> {
        if (error != null && firstError[0] == null) {
          firstError[0] = error;
        }
        if (--pending[0] == 0) {
          if (firstError[0] != null) {
            abortStart(fds, firstError[0]);
            started.fail(new ProcessException(ErrorCode.SPAWN_FAILED, "cannot watch the child: " + firstError[0]));
          } else {
            dispatch(() -> {
              made();
              pidfd.watch(EpollIoOps.EPOLLIN);
              for (int pipe = 1; pipe <= 2; pipe++) {
                if (readPipe(pipe) != null) {
                  readPipe(pipe).start();
                }
              }
            });
            started.complete(this);
          }
        }
      }));
    }
    return started.future();
  }

  private void abortStart(LoopFd[] fds, Throwable error) {
    Pidfd.sendSignal(pidfd.intValue(), Signal.KILL.number());
    Pidfd.reapBlocking(pidfd.intValue());
    closeTerminal();
    for (LoopFd fd : fds) {
      if (fd != null) {
        fd.closeNow();
      }
    }
    engine.reaped(this);
  }

  private void onExitReadable() {
    ExitStatus status;
    try {
      status = Pidfd.reap(pidfd.intValue());
    } catch (ProcessException e) {
      // The child is gone without a status for us. Stop watching (the pidfd stays readable: level-triggered
      // it would spin the loop) and fail the waiters rather than leave them waiting for ever.
      pidfd.closeNow();
      if (terminal != null) {
        hangUp(); // the child is gone: its session ends
      }
      exitLost(e);
      context().reportException(e);
      return;
    }
    if (status != null) {
      pidfd.closeNow();
      if (terminal != null) {
        hangUp();
      }
      childExited(status);
    }
  }

  /**
   * The terminal child (the session leader) exited: reads what its terminal holds, then closes the master's three
   * fds, which hangs the terminal up for anything still holding it (a background grandchild), so that the exit is
   * reported after the output and the session ends with it.
   */
  private void hangUp() {
    if (readPipe(1) != null) {
      readPipe(1).drainAndClose();
    }
    closeTerminal();
  }

  /** A terminal's end: closes the stdin side and the held master (the reader is closed), which hangs it up. */
  void closeTerminal() {
    if (terminal == null) {
      return;
    }
    if (stdinPipe() != null) {
      stdinPipe().abandon(null);
    }
    try {
      terminal.close();
    } catch (IOException ignored) {
      // our own fd: nothing to do about a failed close
    }
  }

  /** The child is given up or its exit lost: the terminal goes too. */
  @Override
  protected void finishing(Throwable error) {
    closeTerminal();
  }

  // --- what differs from a remote child

  @Override
  protected void exitObserved() {
    engine.reaped(this);
  }

  @Override
  protected ProcessException refuseSignal(int signum, boolean group) {
    return group && !groupLeader ? new ProcessException(ErrorCode.INVALID_ARGUMENT,
      "the child does not lead a process group: start it with newProcessGroup or newSession") : null;
  }

  @Override
  protected Future<Void> signalChild(int signum, boolean group) {
    int errno = group ? Pidfd.sendGroupSignal(pid(), signum) : Pidfd.sendSignal(pidfd.intValue(), signum);
    if (errno == 0) {
      return Future.succeededFuture();
    }
    ErrorCode code = errno == Errno.ESRCH ? ErrorCode.PROCESS_LOOKUP : ErrorCode.INVALID_ARGUMENT;
    return Future.failedFuture(new ProcessException(code, "signal " + Signal.nameOf(signum) + " to " + pid() + ": "
      + Errno.describe(errno), errno));
  }

  @Override
  protected Future<Void> resizeTerminal(int cols, int rows) {
    if (!terminal.isOpen()) {
      return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP, "the terminal of process " + pid()
        + " is closed: not resized"));
    }
    int errno = Pty.resize(terminal.intValue(), cols, rows);
    return errno == 0 ? Future.succeededFuture() : Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT,
      "resize of the terminal of " + pid() + ": " + Errno.describe(errno), errno));
  }

  @Override
  protected void closeChild() {
    if (exitStatus() == null) {
      Pidfd.sendSignal(pidfd.intValue(), Signal.KILL.number());
    }
  }

  // --- context plumbing shared by the pipes

  ByteBuffer scratch() {
    return engine.scratch();
  }

  void assertOnContext() {
    assert context().inThread() : "not on the child's context: " + Thread.currentThread();
  }

  /** Runs an event from the loop with the context set as current, reporting what it throws. */
  void dispatch(Runnable event) {
    childContext().dispatch(event);
  }
}
