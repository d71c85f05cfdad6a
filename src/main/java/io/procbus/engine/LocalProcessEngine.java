package io.procbus.engine;

import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.procbus.api.EngineOptions;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Signal;
import io.procbus.api.StdioMode;
import io.procbus.engine.linux.Pidfd;
import io.procbus.engine.linux.SpawnPlan;
import io.procbus.engine.linux.SpawnedChild;
import io.procbus.engine.linux.Spawner;
import io.procbus.engine.linux.Watchdog;
import io.procbus.streams.AbstractProcessEngine;
import io.procbus.streams.ChildContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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
public final class LocalProcessEngine extends AbstractProcessEngine {

  private final VertxInternal vertx;
  private final EngineOptions options;
  private final ThreadLocal<ByteBuffer> scratch;
  /** The JVM's watchdog, or null when {@link EngineOptions#isWatchdog()} is off. */
  private final Watchdog watchdog;

  // Any thread: children live on many contexts
  private final Set<EngineTransport> live = ConcurrentHashMap.newKeySet();

  /** An engine for {@code vertx}; prefer {@link ProcessEngine#create}. */
  public LocalProcessEngine(Vertx vertx, EngineOptions options) {
    super((VertxInternal) vertx);
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

  private List<String> argv(Command command) {
    if (!command.isShell()) {
      return command.argv();
    }
    if (command.shell() == null) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "command must not be null");
    }
    return List.of(options.getShell(), "-c", command.shell());
  }

  @Override
  protected <T> Future<T> start(Command command, ProcessOptions options, StdioMode defaultMode,
                                Function<Spawn, Future<T>> starter) {
    ChildContext bound = ChildContext.bind(vertx);
    ContextInternal context = bound.context();
    Promise<T> result = context.promise();
    context.execute(() -> {
      try {
        if (isClosed()) {
          throw new ProcessException(ErrorCode.CLOSED, "the process engine is closed");
        }
        requireEpoll(context);
        SpawnPlan request = CommandLine.build(argv(command), options, defaultMode);
        boolean leader = request.newProcessGroup() || request.newSession() || request.terminal() != null;
        starter.apply(protocol -> {
          SpawnedChild child = Spawner.spawn(request);
          if (watchdog != null) {
            watchdog.spawned(child.pid());
          }
          EngineTransport transport = new EngineTransport(this, bound, protocol, child, leader, request.terminal());
          live.add(transport);
          if (isClosed()) {
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
    Promise<Void> c = closing();
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

  /** TERM, grace, KILL, then completes once every child is reaped. */
  @Override
  protected void closeOnce(Promise<Void> done) {
    signalAll(Signal.TERM);
    long timer = vertx.setTimer(Math.max(1, options.getKillGraceMillis()), t -> signalAll(Signal.KILL));
    done.future().onComplete(ar -> vertx.cancelTimer(timer));
    if (live.isEmpty()) {
      done.tryComplete();
    }
  }

  private void signalAll(Signal signal) {
    for (EngineTransport t : live) {
      t.sendSignal(signal.number());
    }
  }
}
