package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.Signal;
import io.procbus.api.SpawnRequest;
import io.procbus.api.StdioMode;
import io.procbus.api.SubprocessTransport;
import io.procbus.engine.LocalProcessEngine;
import io.procbus.ops.ServiceMonitor;
import io.procbus.policy.CommandPolicy;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ProcessService} of one {@link ProcessVerticle}: validation, ownership, leases and limits in front
 * of its engine.
 *
 * <p>Everything runs on the verticle's context: the proxy handler, the control consumer and the timers are
 * registered there, and the engine binds each child to the context that spawned it. Methods never throw: a
 * failure is a failed future with a {@link ServiceException} whose code is an {@link ErrorCode#code()}.
 */
final class ProcessServiceImpl implements ProcessService {

  private static final Logger LOG = Logger.getLogger(ProcessServiceImpl.class.getName());

  private final Vertx vertx;
  private final ContextInternal context;
  private final LocalProcessEngine engine;
  private final ServiceSettings settings;
  private final Addresses addresses;
  private final ServiceMonitor monitor;

  // Context thread only
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
  private final Map<String, Integer> liveByOwner = new HashMap<>();
  /** Owner → lease expiry, in milliseconds of {@link System#nanoTime()}. */
  private final Map<String, Long> leases = new HashMap<>();
  private int live;
  private long leaseChecks;
  private boolean closed;
  private long leaseTimer = -1;
  /** The command policy and audit log (issue 5): unrestricted and silent unless configured. */
  private ServiceGuard guard;
  /** The event rings of closed processes (issue 15, replay). */
  private final Replays replays;

  ProcessServiceImpl(Vertx vertx, ContextInternal context, LocalProcessEngine engine, ServiceSettings settings) {
    this.vertx = vertx;
    this.context = context;
    this.engine = engine;
    this.settings = settings;
    this.addresses = new Addresses(settings.prefix());
    this.monitor = ServiceMonitor.of(vertx);
    this.guard = ServiceGuard.unrestricted(settings.instance());
    this.replays = new Replays(settings.replay());
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

  ServiceSettings settings() {
    return settings;
  }

  Addresses addresses() {
    return addresses;
  }

  /** Starts the periodic lease check. */
  void start() {
    long period = Math.max(10, Math.min(1000, settings.leaseMillis() / 4));
    leaseTimer = context.setPeriodic(period, t -> expireLeases());
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
      if (input != null && input.length() > settings.maxStdinMessageBytes()) {
        throw new ProcessException(ErrorCode.PAYLOAD_TOO_LARGE, "input of " + input.length() + " bytes exceeds "
          + settings.maxStdinMessageBytes());
      }
      ProcessOptions options = request.getSpawn().getOptions();
      if (input != null && options != null && options.getStdin() != null && options.getStdin().getMode() != null
        && options.getStdin().getMode() != StdioMode.PIPE) {
        throw invalid("input given but stdin is " + options.getStdin().getMode());
      }
      RunCapture capture = new RunCapture(Math.min(request.getMaxOutputBytes(), settings.maxRunOutputBytes()), input);
      return launch(request.getSpawn(), capture).compose(p -> capture.result());
    });
  }

  /** Validates, checks limits, spawns; completes once the child is started (its {@code connectionMade} ran). */
  private Future<ManagedProcess> launch(SpawnRequest request, RunCapture capture) {
    if (closed) {
      throw new ProcessException(ErrorCode.CLOSED, "the service instance " + settings.instance() + " is stopping");
    }
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
    CommandPolicy.Decision admission;
    try {
      admission = guard.admit(owner, request, owner == null ? 0 : liveByOwner.getOrDefault(owner, 0));
    } catch (ServiceException e) {
      monitor.denied(owner, "spawn", e.getMessage());
      throw e;
    }
    request = admission.request();
    Signal killSignal = parseSignalName(request.getKillSignal() == null ? "KILL" : request.getKillSignal());
    ProcessOptions options = request.getOptions() == null ? new ProcessOptions() : request.getOptions();
    if (owner != null) {
      renew(owner);
    }
    if (live >= settings.maxProcesses()) {
      throw new ProcessException(ErrorCode.LIMIT_REACHED, "service instance " + settings.instance() + " runs "
        + live + " processes (maxProcesses " + settings.maxProcesses() + ")");
    }
    if (owner != null && liveByOwner.getOrDefault(owner, 0) >= settings.maxProcessesPerOwner()) {
      throw new ProcessException(ErrorCode.LIMIT_REACHED, "owner " + owner + " runs " + liveByOwner.get(owner)
        + " processes (maxProcessesPerOwner " + settings.maxProcessesPerOwner() + ")");
    }
    List<String> argv = request.getCommand() != null ? request.getCommand()
      : List.of(settings.engine().getShell(), "-c", request.getShell());
    ManagedProcess process = new ManagedProcess(this, context, UUID.randomUUID().toString(), owner,
      request.isDetached(), argv, options.getLimit(), request.getTimeoutMillis(), killSignal, capture);
    process.limitOutput(admission.maxOutputBytes());
    reserve(owner);
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
    long timer = context.setTimer(settings.spawnTimeoutMillis(), t -> reply.tryFail(new ProcessException(
      ErrorCode.TIMEOUT, "the spawn took longer than " + settings.spawnTimeoutMillis() + " ms")));
    started.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        unreserve(owner); // connectionMade never ran: no exit will be counted
        monitor.launchFailed(owner, argv.get(0), ar.cause());
        reply.tryFail(ar.cause());
      } else {
        processes.put(process.id, process);
        monitor.spawned(process.id, process.pid(), owner, argv.get(0), System.nanoTime() - spawnStart);
        guard.spawned(process.info(), options.getCwd(), admission.rule());
        if (!reply.tryComplete(process)) {
          process.closeTransport(); // too late: the caller was told TIMEOUT
        }
      }
    });
    return reply.future();
  }

  @Override
  public Future<Void> writeStdin(String id, String owner, Buffer data) {
    return guarded(() -> {
      if (data == null) {
        throw invalid("data is required");
      }
      ManagedProcess p = owned(id, owner);
      if (data.length() > settings.maxStdinMessageBytes()) {
        throw new ProcessException(ErrorCode.PAYLOAD_TOO_LARGE, "a stdin message of " + data.length()
          + " bytes exceeds maxStdinMessageBytes " + settings.maxStdinMessageBytes() + ": split it");
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
      int signum = parseSignal(signal);
      guard.signalled(p.info(), signum, group);
      return p.signal(signum, group);
    });
  }

  @Override
  public Future<ProcessInfo> info(String id) {
    return guarded(() -> Future.succeededFuture(find(id).info()));
  }

  @Override
  public Future<JsonObject> replay(String id, String owner, long fromSeq) {
    return guarded(() -> Future.succeededFuture(Replays.reply(find(id), fromSeq)));
  }

  @Override
  public Future<List<ProcessInfo>> list() {
    return guarded(() -> {
      List<ProcessInfo> all = new ArrayList<>(processes.size());
      processes.values().forEach(p -> all.add(p.info()));
      return Future.succeededFuture(all);
    });
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
      renew(owner);
      return Future.succeededFuture(settings.leaseMillis());
    });
  }

  @Override
  public Future<Void> release(String owner) {
    return guarded(() -> {
      if (owner == null) {
        throw invalid("owner is required");
      }
      leases.remove(owner);
      return terminateOwner(owner, "released", "owner " + owner + " released its processes");
    });
  }

  // --- control (fire and forget)

  /** A grant on the control address; anything wrong with it is logged at FINE and ignored. */
  void onControl(Message<Object> message) {
    assert context.inThread();
    if (!(message.body() instanceof JsonObject grant)) {
      LOG.log(Level.FINE, "ignored control message: body is not a JSON object: {0}", message.body());
      return;
    }
    Object id = grant.getValue(Control.ID);
    Object owner = grant.getValue(Control.OWNER);
    long stdout = credit(grant, Control.STDOUT);
    long stderr = credit(grant, Control.STDERR);
    if (!(id instanceof String) || (owner != null && !(owner instanceof String)) || stdout < 0 || stderr < 0) {
      LOG.log(Level.FINE, "ignored malformed grant {0}", grant);
      return;
    }
    ManagedProcess p = processes.get(id);
    if (p == null) {
      LOG.log(Level.FINE, "ignored grant for unknown process {0}", id);
      return;
    }
    if (p.owner != null && !p.owner.equals(owner)) {
      LOG.log(Level.FINE, "ignored grant for {0} from {1}, not its owner", new Object[] {id, owner});
      return;
    }
    if (owner != null) {
      renew((String) owner);
    }
    p.grant(stdout, stderr);
  }

  private static long credit(JsonObject grant, String key) {
    Object v = grant.getValue(key);
    if (v == null) {
      return 0;
    }
    return v instanceof Integer || v instanceof Long ? Math.max(((Number) v).longValue(), -1) : -1;
  }

  // --- bookkeeping, called by ManagedProcess on the context

  private void reserve(String owner) {
    live++;
    if (owner != null) {
      liveByOwner.merge(owner, 1, Integer::sum);
    }
  }

  private void unreserve(String owner) {
    live--;
    if (owner != null) {
      liveByOwner.computeIfPresent(owner, (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  void onExited(ManagedProcess p) {
    unreserve(p.owner);
    guard.exited(p.info());
  }

  void onClosed(ManagedProcess p) {
    if (closed) {
      return; // stopping: the table goes away with the verticle
    }
    replays.closed(p);
    if (settings.retainClosedMillis() == 0) {
      processes.remove(p.id);
    } else {
      context.setTimer(settings.retainClosedMillis(), t -> processes.remove(p.id, p));
    }
  }

  // --- leases

  private void renew(String owner) {
    leases.put(owner, nowMillis() + settings.leaseMillis());
  }

  private void expireLeases() {
    leaseChecks++;
    long now = nowMillis();
    List<String> expired = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = leases.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (e.getValue() - now <= 0) {
        if (hasRunInProgress(e.getKey())) {
          e.setValue(now + settings.leaseMillis()); // a run's reply is its owner's proof of life
        } else {
          it.remove();
          expired.add(e.getKey());
        }
      }
    }
    for (String owner : expired) {
      monitor.leaseExpired(owner, liveByOwner.getOrDefault(owner, 0));
      terminateOwner(owner, "lease-expired", "the lease of owner " + owner + " expired");
    }
  }

  private boolean hasRunInProgress(String owner) {
    for (ManagedProcess p : processes.values()) {
      if (p.isRun() && owner.equals(p.owner) && !p.isClosed() && !p.isGivenUp()) {
        return true;
      }
    }
    return false;
  }

  /** Gives up and terminates (TERM, grace, KILL) the owner's non-detached processes; completes once all exited. */
  private Future<Void> terminateOwner(String owner, String reason, String message) {
    List<Future<Void>> exits = new ArrayList<>();
    for (ManagedProcess p : new ArrayList<>(processes.values())) {
      if (owner.equals(p.owner) && !p.detached && p.giveUp(reason, message)) {
        exits.add(p.terminate(settings.killGraceMillis()));
      }
    }
    return Future.all(exits).mapEmpty();
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  // --- stop

  /**
   * Refuses new work, publishes {@code terminated} for every process not yet closed, closes the engine (TERM,
   * grace, KILL) and completes once every child is reaped and every pipe closed.
   */
  Future<Void> stop() {
    assert context.inThread();
    closed = true;
    if (leaseTimer != -1) {
      vertx.cancelTimer(leaseTimer);
    }
    for (ManagedProcess p : new ArrayList<>(processes.values())) {
      p.giveUp("undeployed", "the service instance " + settings.instance() + " was undeployed");
    }
    LOG.info(() -> "service instance " + settings.instance() + " stopping: new spawns refused; TERM to " + live
      + " children, KILL after " + settings.killGraceMillis() + " ms");
    long killReport = context.setTimer(Math.max(1, settings.killGraceMillis()), t -> reportKills());
    return engine.close().andThen(ar -> {
      vertx.cancelTimer(killReport);
      LOG.info(() -> "service instance " + settings.instance() + " stopped: every child reaped");
      for (ManagedProcess p : processes.values()) {
        if (!p.isClosed()) {
          p.closeTransport();
        }
      }
    });
  }

  /** At the end of the stop's grace: the engine sends KILL to the children still running; says which. */
  private void reportKills() {
    int n = 0;
    for (ManagedProcess p : processes.values()) {
      if (!p.hasExited()) {
        n++;
        monitor.killed(p.id, p.pid(), p.owner, settings.killGraceMillis());
      }
    }
    int killed = n;
    LOG.info(() -> "service instance " + settings.instance() + ": KILL to " + killed + " children still running");
  }

  // --- lookups and errors

  private ManagedProcess find(String id) {
    if (id == null) {
      throw invalid("id is required");
    }
    ManagedProcess p = processes.get(id);
    if (p == null) {
      throw new ProcessException(ErrorCode.UNKNOWN_PROCESS, "no process " + id + " on service instance "
        + settings.instance());
    }
    return p;
  }

  /** The process {@code id} if {@code owner} may command it; renews the owner's lease. */
  private ManagedProcess owned(String id, String owner) {
    ManagedProcess p = find(id);
    if (p.owner != null && !p.owner.equals(owner)) {
      throw new ProcessException(ErrorCode.NOT_OWNER, "process " + id + " is not owned by " + owner);
    }
    if (owner != null) {
      renew(owner);
    }
    return p;
  }

  /** A signal by name ({@code "TERM"}, {@code "SIGTERM"}) or number ({@code "15"}, 1–64). */
  static int parseSignal(String signal) {
    if (signal == null || signal.isEmpty()) {
      throw invalid("signal is required");
    }
    if (Character.isDigit(signal.charAt(0))) {
      try {
        int n = Integer.parseInt(signal);
        if (n >= 1 && n <= Signal.MAX_NUMBER) {
          return n;
        }
      } catch (NumberFormatException e) {
        // falls through
      }
      throw invalid("no signal " + signal + " (1-" + Signal.MAX_NUMBER + ")");
    }
    return parseSignalName(signal).number();
  }

  private static Signal parseSignalName(String name) {
    String n = name.startsWith("SIG") ? name.substring(3) : name;
    try {
      return Signal.valueOf(n);
    } catch (IllegalArgumentException e) {
      throw invalid("unknown signal '" + name + "'");
    }
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
      return Future.failedFuture(toServiceException(t));
    }
    return f.recover(t -> Future.failedFuture(toServiceException(t)));
  }

  /** The reply form of a failure: its code and message; an {@code errno} in the debug info when there is one. */
  static ServiceException toServiceException(Throwable t) {
    if (t instanceof ServiceException se) {
      return se;
    }
    if (t instanceof ProcessException pe) {
      JsonObject debug = new JsonObject().put("code", pe.code().name());
      if (pe.errno() != null) {
        debug.put("errno", pe.errno());
      }
      return new ServiceException(pe.code().code(), pe.getMessage(), debug);
    }
    LOG.log(Level.WARNING, "unexpected failure in the process service", t);
    return new ServiceException(ErrorCode.INTERNAL.code(), "internal error: " + t,
      new JsonObject().put("code", ErrorCode.INTERNAL.name()));
  }

  /** The live process of the table, for tests and diagnostics. */
  ManagedProcess process(String id) {
    return processes.get(id);
  }

  /** The process with OS pid {@code pid}, or {@code null}. */
  ManagedProcess processByPid(int pid) {
    for (ManagedProcess p : processes.values()) {
      if (p.pid() == pid) {
        return p;
      }
    }
    return null;
  }

  int liveCount() {
    return live;
  }

  /** Number of lease checks run so far. */
  long leaseChecks() {
    return leaseChecks;
  }
}
