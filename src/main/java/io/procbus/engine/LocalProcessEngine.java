package io.procbus.engine;

import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.procbus.api.ChildProcess;
import io.procbus.api.EngineOptions;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Signal;
import io.procbus.api.StdioMode;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.engine.linux.Pidfd;
import io.procbus.engine.linux.SpawnPlan;
import io.procbus.engine.linux.SpawnedChild;
import io.procbus.engine.linux.Spawner;
import io.procbus.engine.linux.Watchdog;
import io.procbus.streams.ChildContext;
import io.procbus.streams.StreamChildProcess;
import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The in-JVM {@link ProcessEngine}: children started with {@code posix_spawn}, watched through their pidfd
 * and pipes on the starting context's own epoll event loop.
 *
 * <p>A child is bound to the calling context when it is an event-loop context; a call from a worker
 * context binds it to an event-loop context on that worker's loop, and a call from outside Vert.x to a new
 * event-loop context. Closing Vert.x closes the engine (it is a close hook). Unless
 * {@link EngineOptions#isWatchdog()} is off, every child is recorded with the JVM's {@link Watchdog}, which kills
 * it (and its tree) if the JVM dies without closing the engine.
 */
public final class LocalProcessEngine implements ProcessEngine, Closeable {

  private final VertxInternal vertx;
  private final EngineOptions options;
  private final ThreadLocal<ByteBuffer> scratch;
  /** The JVM's watchdog, or null when {@link EngineOptions#isWatchdog()} is off. */
  private final Watchdog watchdog;

  // Any thread: children live on many contexts
  private final Set<EngineTransport> live = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Promise<Void>> closing = new AtomicReference<>();

  /** An engine for {@code vertx}; prefer {@link ProcessEngine#create}. */
  public LocalProcessEngine(Vertx vertx, EngineOptions options) {
    if (options.getReadBufferSize() < 1024 || options.getKillGraceMillis() < 0) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "readBufferSize must be >= 1024 and killGraceMillis >= 0");
    }
    this.vertx = (VertxInternal) vertx;
    this.options = new EngineOptions(options);
    int size = options.getReadBufferSize();
    this.scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(size));
    this.watchdog = options.isWatchdog() ? Watchdog.shared() : null;
    if (watchdog != null && Pidfd.supported()) {
      watchdog.ensureRunning(); // now rather than at the first spawn: its JVM takes a while to start reading
    }
    this.vertx.addCloseHook(this);
  }

  @Override
  public Future<ChildProcess> exec(List<String> argv, ProcessOptions options) {
    return start(() -> argv, options, StdioMode.INHERIT, spawn -> StreamChildProcess.start(spawn, options.getLimit()));
  }

  @Override
  public Future<ChildProcess> shell(String command, ProcessOptions options) {
    return start(() -> shellArgv(command), options, StdioMode.INHERIT,
      spawn -> StreamChildProcess.start(spawn, options.getLimit()));
  }

  @Override
  public Future<SubprocessTransport> subprocessExec(SubprocessProtocol protocol, List<String> argv,
                                                    ProcessOptions options) {
    return start(() -> argv, options, StdioMode.PIPE, spawn -> spawn.apply(requireProtocol(protocol)));
  }

  @Override
  public Future<SubprocessTransport> subprocessShell(SubprocessProtocol protocol, String command,
                                                     ProcessOptions options) {
    return start(() -> shellArgv(command), options, StdioMode.PIPE, spawn -> spawn.apply(requireProtocol(protocol)));
  }

  private static SubprocessProtocol requireProtocol(SubprocessProtocol protocol) {
    if (protocol == null) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "protocol must not be null");
    }
    return protocol;
  }

  private List<String> shellArgv(String command) {
    if (command == null) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "command must not be null");
    }
    return List.of(options.getShell(), "-c", command);
  }

  /**
   * Binds a context and, on it, validates (bad input fails the future, never throws) and hands {@code starter}
   * a function that spawns the child for a protocol and returns its started transport.
   */
  private <T> Future<T> start(Supplier<List<String>> argv, ProcessOptions options, StdioMode defaultMode,
                              Function<Function<SubprocessProtocol, Future<SubprocessTransport>>, Future<T>> starter) {
    ChildContext bound = ChildContext.bind(vertx);
    ContextInternal context = bound.context();
    Promise<T> result = context.promise();
    context.execute(() -> {
      try {
        if (closing.get() != null) {
          throw new ProcessException(ErrorCode.CLOSED, "the process engine is closed");
        }
        requireEpoll(context);
        SpawnPlan request = CommandLine.build(argv.get(), options, defaultMode);
        boolean leader = request.newProcessGroup() || request.newSession();
        starter.apply(protocol -> {
          SpawnedChild child = Spawner.spawn(request);
          if (watchdog != null) {
            watchdog.spawned(child.pid());
          }
          EngineTransport transport = new EngineTransport(this, bound, protocol, child, leader);
          live.add(transport);
          if (closing.get() != null) {
            transport.kill(); // started while the engine closed: do not let it outlive the close
          }
          return transport.start();
        }).onComplete(result);
      } catch (ProcessException e) {
        result.fail(e);
      } catch (RuntimeException e) {
        // a bug, not a failed spawn: INTERNAL, keeping the exception and its stack
        result.fail(new ProcessException(ErrorCode.INTERNAL, "internal error: " + e, null, null, e));
      }
    });
    return result.future();
  }

  private static void requireEpoll(ContextInternal context) {
    if (!(context.nettyEventLoop() instanceof IoEventLoop loop) || !loop.isCompatible(EpollIoHandle.class)
      || !Pidfd.supported()) {
      throw new ProcessException(ErrorCode.SPAWN_FAILED, "the process engine needs Linux 5.4+ and Vert.x's native "
        + "epoll transport: create Vert.x with new VertxOptions().setPreferNativeTransport(true)");
    }
  }

  void reaped(EngineTransport transport) {
    live.remove(transport);
    if (watchdog != null) {
      watchdog.reaped(transport.pid());
    }
    Promise<Void> c = closing.get();
    if (c != null && live.isEmpty()) {
      c.tryComplete();
    }
  }

  ByteBuffer scratch() {
    return scratch.get();
  }

  int readBufferSize() {
    return options.getReadBufferSize();
  }

  @Override
  public int liveCount() {
    return live.size();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> p = Promise.promise();
    close(p);
    return p.future();
  }

  /** Closes as a Vert.x close hook: TERM, grace, KILL, then completes once every child is reaped. */
  @Override
  public void close(Completable<Void> completion) {
    Promise<Void> mine = Promise.promise();
    if (closing.compareAndSet(null, mine)) {
      vertx.removeCloseHook(this);
      signalAll(Signal.TERM);
      long timer = vertx.setTimer(Math.max(1, options.getKillGraceMillis()), t -> signalAll(Signal.KILL));
      mine.future().onComplete(ar -> vertx.cancelTimer(timer));
      if (live.isEmpty()) {
        mine.tryComplete();
      }
    }
    closing.get().future().onComplete(completion);
  }

  private void signalAll(Signal signal) {
    for (EngineTransport t : live) {
      t.sendSignal(signal.number());
    }
  }
}
