package io.procbus.engine;

import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoOps;
import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.PipeTransport;
import io.procbus.api.ProcessException;
import io.procbus.api.Signal;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.engine.linux.Errno;
import io.procbus.engine.linux.Pidfd;
import io.procbus.engine.linux.SpawnedChild;
import io.procbus.streams.ChildContext;
import io.procbus.streams.ChildTransport;
import io.procbus.api.StdinWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * One child on its event-loop context: its pidfd, its pipes and the protocol that hears about them.
 * asyncio: {@code BaseSubprocessTransport}.
 *
 * <p>Order of protocol callbacks: {@code connectionMade} first; per fd, data before {@code pipeConnectionLost};
 * at exit the pipes are first drained of what is already in them (every byte the child wrote reaches the
 * protocol before {@code processExited}); {@code connectionLost} last, once exit is known and every pipe is
 * lost. Everything here runs on {@link #context()}; public methods called from elsewhere are hopped onto it.
 */
final class EngineTransport implements ChildTransport {

  private final LocalProcessEngine engine;
  private final ChildContext on;
  private final ContextInternal context;
  private final SubprocessProtocol protocol;
  private final int pid;
  private final boolean groupLeader;
  private final LoopFd pidfd;
  private final StdinPipe stdin;
  private final PipeReader stdout;
  private final PipeReader stderr;
  private final Promise<ExitStatus> exited;
  private int openPipes;
  private boolean closing;
  private boolean finished;

  // Any thread: read by pid-level getters
  private volatile ExitStatus exitStatus;

  EngineTransport(LocalProcessEngine engine, ChildContext on, SubprocessProtocol protocol, SpawnedChild child,
                  boolean groupLeader) {
    this.engine = engine;
    this.on = on;
    this.context = on.context();
    this.protocol = protocol;
    this.pid = child.pid();
    this.groupLeader = groupLeader;
    this.exited = context.promise();
    this.pidfd = new LoopFd(child.pidfd(), ops -> dispatch(this::onExitReadable));
    this.stdin = child.stdinFd() >= 0 ? new StdinPipe(this, child.stdinFd()) : null;
    this.stdout = child.stdoutFd() >= 0 ? new PipeReader(this, 1, child.stdoutFd()) : null;
    this.stderr = child.stderrFd() >= 0 ? new PipeReader(this, 2, child.stderrFd()) : null;
    this.openPipes = (stdin != null ? 1 : 0) + (stdout != null ? 1 : 0) + (stderr != null ? 1 : 0);
  }

  /**
   * Registers every fd on the context's loop, then calls {@code connectionMade} and starts watching.
   * On a registration failure the child is killed and reaped, and the future fails.
   */
  Future<SubprocessTransport> start() {
    assertOnContext();
    IoEventLoop loop = (IoEventLoop) context.nettyEventLoop();
    LoopFd[] fds = {pidfd, stdin == null ? null : stdin.loopFd(), stdout == null ? null : stdout.loopFd(),
      stderr == null ? null : stderr.loopFd()};
    Promise<SubprocessTransport> started = context.promise();
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
      fd.register(loop, error -> context.execute(() -> {
        if (error != null && firstError[0] == null) {
          firstError[0] = error;
        }
        if (--pending[0] == 0) {
          if (firstError[0] != null) {
            abortStart(fds, firstError[0]);
            started.fail(new ProcessException(ErrorCode.SPAWN_FAILED, "cannot watch the child: " + firstError[0]));
          } else {
            dispatch(() -> {
              on.callUser(() -> protocol.connectionMade(this));
              pidfd.watch(EpollIoOps.EPOLLIN);
              if (stdout != null) {
                stdout.start();
              }
              if (stderr != null) {
                stderr.start();
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
    for (LoopFd fd : fds) {
      if (fd != null) {
        fd.closeNow();
      }
    }
    engine.reaped(this);
  }

  // --- events, on the context

  private void onExitReadable() {
    ExitStatus status;
    try {
      status = Pidfd.reap(pidfd.intValue());
    } catch (ProcessException e) {
      // The child is gone without a status for us. Stop watching (the pidfd stays readable: level-triggered
      // it would spin the loop) and fail the waiters rather than leave them waiting for ever.
      pidfd.closeNow();
      engine.reaped(this);
      exited.tryFail(e);
      context.reportException(e);
      return;
    }
    if (status == null) {
      return;
    }
    pidfd.closeNow();
    if (stdout != null) {
      stdout.drainAtExit();
    }
    if (stderr != null) {
      stderr.drainAtExit();
    }
    exitStatus = status;
    engine.reaped(this);
    on.callUser(protocol::processExited);
    exited.complete(status);
    tryFinish();
  }

  void pipeData(int fd, Buffer data) {
    on.callUser(() -> protocol.pipeDataReceived(fd, data));
  }

  void pipeLost(int fd, Throwable error) {
    openPipes--;
    on.callUser(() -> protocol.pipeConnectionLost(fd, error));
    tryFinish();
  }

  void pauseWriting() {
    on.callUser(protocol::pauseWriting);
  }

  void resumeWriting() {
    on.callUser(protocol::resumeWriting);
  }

  private void tryFinish() {
    if (!finished && openPipes == 0 && exitStatus != null) {
      finished = true;
      on.callUser(() -> protocol.connectionLost(null));
    }
  }


  // --- SubprocessTransport

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public Integer returnCode() {
    ExitStatus s = exitStatus;
    return s == null ? null : s.returnCode();
  }

  @Override
  public ExitStatus exitStatus() {
    return exitStatus;
  }

  @Override
  public Future<ExitStatus> exited() {
    return exited.future();
  }

  @Override
  public PipeTransport pipe(int fd) {
    return switch (fd) {
      case 0 -> stdin;
      case 1 -> stdout;
      case 2 -> stderr;
      default -> null;
    };
  }

  @Override
  public StdinWriter stdinWriter() {
    return stdin;
  }

  @Override
  public Future<Void> sendSignal(int signum) {
    return onContextFuture(() -> signal(signum, false));
  }

  @Override
  public Future<Void> sendGroupSignal(int signum) {
    return onContextFuture(() -> signal(signum, true));
  }

  private Future<Void> signal(int signum, boolean group) {
    if (signum < 1 || signum > Signal.MAX_NUMBER) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "no signal " + signum));
    }
    if (group && !groupLeader) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT,
        "the child does not lead a process group: start it with newProcessGroup or newSession"));
    }
    if (exitStatus != null) {
      return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP,
        "process " + pid + " has exited (" + exitStatus + "): no signal sent"));
    }
    int errno = group ? Pidfd.sendGroupSignal(pid, signum) : Pidfd.sendSignal(pidfd.intValue(), signum);
    if (errno == 0) {
      return Future.succeededFuture();
    }
    ErrorCode code = errno == Errno.ESRCH ? ErrorCode.PROCESS_LOOKUP : ErrorCode.INVALID_ARGUMENT;
    return Future.failedFuture(new ProcessException(code, "signal " + Signal.nameOf(signum) + " to " + pid + ": "
      + Errno.describe(errno), errno));
  }

  @Override
  public void close() {
    onContext(() -> {
      if (closing) {
        return;
      }
      closing = true;
      if (exitStatus == null) {
        Pidfd.sendSignal(pidfd.intValue(), Signal.KILL.number());
      }
      if (stdin != null) {
        stdin.abortQuietly();
      }
      if (stdout != null) {
        stdout.close();
      }
      if (stderr != null) {
        stderr.close();
      }
    });
  }

  @Override
  public boolean isClosing() {
    return closing;
  }

  // --- context plumbing shared by the pipes

  @Override
  public ContextInternal context() {
    return context;
  }

  ByteBuffer scratch() {
    return engine.scratch();
  }

  int readBufferSize() {
    return engine.readBufferSize();
  }

  void assertOnContext() {
    assert context.inThread() : "not on the child's context: " + Thread.currentThread();
  }

  /** Runs an event from the loop with the context set as current, reporting what it throws. */
  void dispatch(Runnable event) {
    on.dispatch(event);
  }

  /** Runs {@code action} on the context: now if on its thread, else queued in call order. */
  @Override
  public void onContext(Runnable action) {
    on.run(action);
  }

  @Override
  public <T> Future<T> onContextFuture(Supplier<Future<T>> action) {
    return on.call(action);
  }

}
