package io.procbus.verticle;

import io.procbus.api.EngineOptions;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Signal;
import io.procbus.api.SpawnRequest;
import io.procbus.api.SubprocessTransport;
import io.procbus.config.LimitsOptions;
import io.procbus.engine.LocalProcessEngine;
import io.procbus.ops.ServiceMonitor;
import io.procbus.policy.CommandPolicy;
import io.procbus.policy.ServiceGuard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.UUID;

/**
 * The start of a process for a {@code spawn} or {@code run}: checks the request, admits it (policy, seal, limits),
 * spawns it on the engine bound to the service's context and completes once the child runs (its
 * {@code connectionMade} ran) or fails, {@code TIMEOUT} when that takes longer than {@code spawnTimeoutMillis}.
 * Used on the service's context only.
 */
final class Launcher {

  private final ProcessServiceImpl service;
  private final ContextInternal context;
  private final LocalProcessEngine engine;
  private final LimitsOptions limits;
  private final EngineOptions engineOptions;
  private final ProcessTable table;
  private final Leases leases;
  private final ServiceMonitor monitor;

  Launcher(ProcessServiceImpl service, ContextInternal context, LocalProcessEngine engine, ProcessTable table,
           Leases leases) {
    this.service = service;
    this.context = context;
    this.engine = engine;
    this.limits = service.limits();
    this.engineOptions = service.engineOptions();
    this.table = table;
    this.leases = leases;
    this.monitor = service.monitor();
  }

  /**
   * Starts {@code request} under {@code guard}, its output captured by {@code capture} for a run ({@code null}
   * for a spawn). Throws what it refuses up front; the returned future fails with what happens later.
   */
  Future<ManagedProcess> launch(SpawnRequest request, RunCapture capture, ServiceGuard guard) {
    if ((request.getCommand() == null) == (request.getShell() == null)) {
      throw invalid("exactly one of command and shell is required");
    }
    String owner = request.getOwner();
    if (owner == null && !request.isDetached()) {
      throw invalid("owner is required unless the process is detached");
    }
    if (request.getTimeoutMillis() < 0) {
      throw invalid("timeoutMillis must be 0 or more");
    }
    String ownerAddress = request.getEventAddress();
    String clients = service.addresses().client("");
    if (ownerAddress != null && (!ownerAddress.startsWith(clients) || ownerAddress.length() == clients.length())) {
      throw invalid("eventAddress must be a client's event address " + clients + "<client>");
    }
    CommandPolicy.Decision admission;
    try {
      admission = guard.admit(owner, request, owner == null ? 0 : table.liveOf(owner));
    } catch (ProcessException e) {
      monitor.denied(owner, "spawn", e.getMessage());
      throw e;
    }
    request = admission.request();
    Signal killSignal = SignalNames.byName(request.getKillSignal() == null ? "KILL" : request.getKillSignal());
    ProcessOptions options = request.getOptions() == null ? new ProcessOptions() : request.getOptions();
    if (owner != null) {
      leases.renew(owner);
    }
    table.checkRoom(owner);
    List<String> argv = request.getCommand() != null ? request.getCommand()
      : List.of(engineOptions.getShell(), "-c", request.getShell());
    ManagedProcess process = new ManagedProcess(service, context, UUID.randomUUID().toString(), owner,
      request.isDetached(), argv, options.getLimit(), request.getTimeoutMillis(), killSignal, capture, ownerAddress);
    process.limitOutput(admission.maxOutputBytes());
    table.reserve(owner);
    // Bind the child to the verticle's context, not to the duplicate the command message was delivered on.
    Future<SubprocessTransport> started;
    long spawnStart = System.nanoTime();
    ContextInternal prev = context.beginDispatch();
    try {
      started = request.getCommand() != null
        ? engine.subprocessExec(process, request.getCommand(), options)
        : engine.subprocessShell(process, request.getShell(), options);
    } finally {
      context.endDispatch(prev);
    }
    Promise<ManagedProcess> reply = context.promise();
    long timer = context.setTimer(limits.getSpawnTimeoutMillis(), t -> reply.tryFail(new ProcessException(
      ErrorCode.TIMEOUT, "the spawn took longer than " + limits.getSpawnTimeoutMillis() + " ms")));
    started.onComplete(ar -> {
      context.owner().cancelTimer(timer);
      try {
        if (ar.failed()) {
          table.unreserve(owner); // connectionMade never ran: no exit will be counted
          monitor.launchFailed(owner, argv.get(0), ar.cause());
          reply.tryFail(ar.cause());
        } else {
          table.add(process);
          monitor.spawned(process.id, process.pid(), owner, argv.get(0), System.nanoTime() - spawnStart);
          guard.spawned(process.info(), options.getCwd(), admission.rule());
          if (!reply.tryComplete(process)) {
            process.closeTransport(); // too late: the caller was told TIMEOUT
          }
        }
      } catch (RuntimeException e) {
        // a bug (a monitor must never throw): the caller gets INTERNAL rather than a reply that never comes
        if (reply.tryFail(e) && ar.succeeded()) {
          process.closeTransport();
        }
      }
    });
    return reply.future();
  }

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
