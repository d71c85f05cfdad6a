package io.procbus.verticle;

import io.procbus.api.EngineOptions;
import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.StdioMode;
import io.procbus.config.LimitsOptions;
import io.procbus.config.ProcbusOptions;
import io.procbus.engine.LocalProcessEngine;
import io.procbus.ops.ServiceMonitor;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.FailureCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link ProcessService} of one {@link ProcessVerticle}: checks each command and hands it to the part that
 * does it — the {@link Launcher} starts processes, the {@link ProcessTable} finds them and counts them, the
 * {@link Leases} end those of owners gone silent, the {@link ServiceShutdown} stops them all.
 *
 * <p>Everything runs on the verticle's context: the proxy handler, the control consumer and the timers are
 * registered there, and the engine binds each child to the context that spawned it. Methods never throw: a
 * failure is a failed future with a {@link ServiceException} whose code is an {@link ErrorCode#code()}, made by
 * the {@link FailureCodec}.
 */
final class ProcessServiceImpl implements ProcessService {

  private final Vertx vertx;
  private final ContextInternal context;
  private final String instance;
  private final LimitsOptions limits;
  private final EngineOptions engineOptions;
  private final Addresses addresses;
  private final ServiceMonitor monitor;
  private final ProcessTable table;
  private final Leases leases;
  private final ControlGrants grants;
  private final Launcher launcher;
  private final ServiceShutdown shutdown;
  /** The event rings of closed processes (issue 15, replay). */
  private final Replays replays;

  // Context thread only
  private boolean closed;
  /** The command policy and audit log (issue 5): unrestricted and silent unless configured. */
  private ServiceGuard guard;

  ProcessServiceImpl(Vertx vertx, ContextInternal context, LocalProcessEngine engine, String instance,
                     ProcbusOptions options) {
    this.vertx = vertx;
    this.context = context;
    this.instance = instance;
    this.limits = options.getLimits();
    this.engineOptions = options.getEngine();
    this.addresses = new Addresses(options.getPrefix());
    this.monitor = ServiceMonitor.of(vertx);
    this.guard = ServiceGuard.unrestricted(instance);
    this.table = new ProcessTable(instance, limits);
    this.leases = new Leases(context, limits, engineOptions, table, monitor);
    this.grants = new ControlGrants(table, leases);
    this.launcher = new Launcher(this, context, engine, table, leases);
    this.shutdown = new ServiceShutdown(context, engine, instance, engineOptions, table, monitor);
    this.replays = new Replays(replayBounds());
  }

  /** Where lifecycle events and counts go: the log and the metrics. */
  ServiceMonitor monitor() {
    return monitor;
  }

  /** Sets the policy and audit log applied from now on. */
  void guard(ServiceGuard guard) {
    this.guard = guard;
  }

  Vertx vertx() {
    return vertx;
  }

  /** How much of each process's events is kept for {@code replay}. */
  ReplayBounds replayBounds() {
    return new ReplayBounds(limits.getReplayMaxBytes(), limits.getReplayMaxEvents(), limits.getReplayMaxClosed());
  }

  /** This service instance's id. */
  String instance() {
    return instance;
  }

  /** The limits it enforces. */
  LimitsOptions limits() {
    return limits;
  }

  /** Its engine's options (shell, kill grace). */
  EngineOptions engineOptions() {
    return engineOptions;
  }

  Addresses addresses() {
    return addresses;
  }

  /** Starts the periodic lease check. */
  void start() {
    leases.start();
  }

  // --- commands

  @Override
  public Future<ProcessInfo> spawn(SpawnRequest request) {
    return guarded(() -> {
      if (request == null) {
        throw invalid("request is required");
      }
      return launch(request, null).map(ManagedProcess::info);
    });
  }

  @Override
  public Future<RunResult> run(RunRequest request) {
    return guarded(() -> {
      if (request == null || request.getSpawn() == null) {
        throw invalid("request and request.spawn are required");
      }
      if (request.getMaxOutputBytes() < 0) {
        throw invalid("maxOutputBytes must be 0 or more");
      }
      Buffer input = request.getInput();
      if (input != null && input.length() > limits.getMaxStdinMessageBytes()) {
        throw new ProcessException(ErrorCode.PAYLOAD_TOO_LARGE, "input of " + input.length() + " bytes exceeds "
          + limits.getMaxStdinMessageBytes());
      }
      ProcessOptions options = request.getSpawn().getOptions();
      if (input != null && options != null && options.getStdin() != null && options.getStdin().getMode() != null
        && options.getStdin().getMode() != StdioMode.PIPE) {
        throw invalid("input given but stdin is " + options.getStdin().getMode());
      }
      RunCapture capture = new RunCapture(Math.min(request.getMaxOutputBytes(), limits.getMaxRunOutputBytes()), input);
      return launch(request.getSpawn(), capture).compose(p -> capture.result());
    });
  }

  private Future<ManagedProcess> launch(SpawnRequest request, RunCapture capture) {
    if (closed) {
      throw new ProcessException(ErrorCode.CLOSED, "the service instance " + instance + " is stopping");
    }
    return launcher.launch(request, capture, guard);
  }

  @Override
  public Future<Void> writeStdin(String id, String owner, Buffer data) {
    return guarded(() -> {
      if (data == null) {
        throw invalid("data is required");
      }
      ManagedProcess p = owned(id, owner);
      if (data.length() > limits.getMaxStdinMessageBytes()) {
        throw new ProcessException(ErrorCode.PAYLOAD_TOO_LARGE, "a stdin message of " + data.length()
          + " bytes exceeds maxStdinMessageBytes " + limits.getMaxStdinMessageBytes() + ": split it");
      }
      return p.writeStdin(data).andThen(ar -> {
        if (ar.succeeded()) {
          monitor.streamBytes("stdin", data.length());
        }
      });
    });
  }

  @Override
  public Future<Void> closeStdin(String id, String owner) {
    return guarded(() -> owned(id, owner).closeStdin());
  }

  @Override
  public Future<Void> closePipe(String id, String owner, int fd) {
    return guarded(() -> owned(id, owner).closePipe(fd));
  }

  @Override
  public Future<Void> closeProcess(String id, String owner) {
    return guarded(() -> {
      ManagedProcess p = owned(id, owner);
      guard.killed(p.info());
      p.closeTransport();
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> signal(String id, String owner, String signal, boolean group) {
    return guarded(() -> {
      ManagedProcess p = owned(id, owner);
      int signum = SignalNames.parse(signal);
      guard.signalled(p.info(), signum, group);
      return p.signal(signum, group);
    });
  }

  @Override
  public Future<Void> resize(String id, String owner, int cols, int rows) {
    return guarded(() -> owned(id, owner).resize(cols, rows));
  }

  @Override
  public Future<ProcessInfo> info(String id) {
    return guarded(() -> Future.succeededFuture(table.find(id).info()));
  }

  @Override
  public Future<JsonObject> replay(String id, String owner, long fromSeq) {
    return guarded(() -> Future.succeededFuture(Replays.reply(table.find(id), fromSeq)));
  }

  @Override
  public Future<List<ProcessInfo>> list() {
    return guarded(() -> Future.succeededFuture(table.infos()));
  }

  /** Answered by the {@code RoutingService} that {@link ProcessVerticle} binds in front of this one. */
  @Override
  public Future<List<NodeInfo>> nodes() {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Long> renewLease(String owner) {
    return guarded(() -> {
      if (owner == null) {
        throw invalid("owner is required");
      }
      leases.renew(owner);
      return Future.succeededFuture(limits.getLeaseMillis());
    });
  }

  @Override
  public Future<Void> release(String owner) {
    return guarded(() -> {
      if (owner == null) {
        throw invalid("owner is required");
      }
      return leases.release(owner);
    });
  }

  /** A grant on the control address (fire and forget): see {@link ControlGrants}. */
  void onControl(Message<Object> message) {
    assert context.inThread();
    grants.onControl(message);
  }

  // --- called by ManagedProcess on the context

  void onExited(ManagedProcess p) {
    table.unreserve(p.owner);
    guard.exited(p.info());
  }

  void onClosed(ManagedProcess p) {
    if (closed) {
      return; // stopping: the table goes away with the verticle
    }
    replays.closed(p);
    if (limits.getRetainClosedMillis() == 0) {
      table.remove(p);
    } else {
      context.setTimer(limits.getRetainClosedMillis(), t -> table.remove(p));
    }
  }

  /** Refuses new work and stops every process: see {@link ServiceShutdown}. */
  Future<Void> stop() {
    assert context.inThread();
    closed = true;
    leases.stop();
    return shutdown.run();
  }

  // --- lookups and failures

  /** The process {@code id} if {@code owner} may command it; renews the owner's lease. */
  private ManagedProcess owned(String id, String owner) {
    ManagedProcess p = table.owned(id, owner);
    if (owner != null) {
      leases.renew(owner);
    }
    return p;
  }

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /** Runs a command: what it throws or fails with becomes a {@link ServiceException} with a stable code. */
  private <T> Future<T> guarded(Supplier<Future<T>> command) {
    assert context.inThread() : "service called off its context";
    Future<T> f;
    try {
      f = command.get();
    } catch (Throwable t) {
      return Future.failedFuture(FailureCodec.toServiceException(t));
    }
    return f.recover(t -> Future.failedFuture(FailureCodec.toServiceException(t)));
  }

  // --- for tests and diagnostics

  /** The live process of the table. */
  ManagedProcess process(String id) {
    return table.get(id);
  }

  /** The process with OS pid {@code pid}, or {@code null}. */
  ManagedProcess processByPid(int pid) {
    return table.byPid(pid);
  }

  int liveCount() {
    return table.live();
  }

  /** Number of lease checks run so far. */
  long leaseChecks() {
    return leases.checks();
  }
}
