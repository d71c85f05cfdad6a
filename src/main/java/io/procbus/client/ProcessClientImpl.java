package io.procbus.client;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.api.StdioMode;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.FailureCodec;
import io.procbus.streams.ChildContext;
import io.procbus.streams.StreamChildProcess;
import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ProcessClient}: spawns through the service proxy, then hands each child to a
 * {@link RemoteTransport} bound to the caller's context (the rule of the in-JVM engine: an event-loop context
 * as it is, a worker's event loop, or a new event-loop context for a thread outside Vert.x).
 *
 * <p>Children live on many contexts, so the client's own tables are concurrent; the lease timer runs on the
 * client's own context.
 */
final class ProcessClientImpl implements ProcessClient, Closeable {

  private static final Logger LOG = Logger.getLogger(ProcessClientImpl.class.getName());
  /** Send timeout of the commands that wait for the child (stdin writes and close, runs): no timeout, in effect. */
  private static final long UNBOUNDED_MILLIS = Integer.MAX_VALUE;

  /**
   * One service instance this client has used: its proxies, and how many of its children are not finished
   * (the lease is renewed while any is: a child that exited may still have a grandchild writing to its pipe).
   */
  record Instance(String address, ProcessService commands, ProcessService streams, AtomicInteger open) {
  }

  private final VertxInternal vertx;
  private final ProcessClientOptions options;
  private final String owner;
  private final ProcessService service;
  private final ProcessService runService;
  private final ContextInternal clientContext;
  private final long renewTimer;
  private final String serviceAddress;
  /** Proxies for the local node and for named nodes, by address, locality and timeout. */
  private final Map<String, ProcessService> routes = new ConcurrentHashMap<>();
  private final NodeWatch nodeWatch;

  // Any thread
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final Set<RemoteTransport> live = ConcurrentHashMap.newKeySet();
  private final Set<RemoteTransport> open = ConcurrentHashMap.newKeySet();
  private final Set<ProcessObserverImpl> observers = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Promise<Void>> closing = new AtomicReference<>();
  /** Instance address → ids of the children given up there with {@code NODE_LOST}, killed if it comes back. */
  private final Map<String, Set<String>> lostChildren = new ConcurrentHashMap<>();

  ProcessClientImpl(Vertx vertx, ProcessClientOptions options) {
    if (options.getWindow() < 1 || options.getLeaseRenewMillis() < 0 || options.getRequestTimeoutMillis() < 1
      || options.getNodeTimeoutMillis() < 0
      || options.getObserverMaxEvents() < 1 || options.getObserverMaxBytes() < 1) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "window, requestTimeoutMillis, observerMaxEvents and "
        + "observerMaxBytes must be positive, leaseRenewMillis and nodeTimeoutMillis 0 or more: " + options);
    }
    this.vertx = (VertxInternal) vertx;
    this.options = new ProcessClientOptions(options);
    this.owner = options.getOwner() != null ? options.getOwner() : UUID.randomUUID().toString();
    String address = options.getServiceAddress() != null ? options.getServiceAddress()
      : new Addresses(options.getPrefix()).service();
    this.service = proxy(address, options.getRequestTimeoutMillis());
    this.runService = proxy(address, UNBOUNDED_MILLIS);
    this.clientContext = this.vertx.createEventLoopContext();
    this.renewTimer = options.getLeaseRenewMillis() > 0
      ? clientContext.setPeriodic(options.getLeaseRenewMillis(), t -> renewLeases()) : -1;
    this.serviceAddress = address;
    this.nodeWatch = options.getNodeTimeoutMillis() > 0
      ? new NodeWatch(this.vertx, clientContext, new Addresses(options.getPrefix()).nodes(),
        options.getNodeTimeoutMillis(), this::holdsChildren, this::nodeLost, this::nodeBack)
      : null;
    this.vertx.addCloseHook(this);
  }

  private ProcessService proxy(String address, long timeoutMillis) {
    return new ServiceProxyBuilder(vertx).setAddress(address)
      .setOptions(new DeliveryOptions().setSendTimeout(timeoutMillis)).build(ProcessService.class);
  }

  VertxInternal vertx() {
    return vertx;
  }

  ProcessClientOptions options() {
    return options;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public ProcessService service() {
    return service;
  }

  // --- spawning

  @Override
  public Future<ChildProcess> exec(List<String> argv, ProcessOptions options) {
    return start(false, argv, null, options, StdioMode.INHERIT, spawn -> StreamChildProcess.start(spawn, options.getLimit()));
  }

  @Override
  public Future<ChildProcess> shell(String command, ProcessOptions options) {
    return start(true, null, command, options, StdioMode.INHERIT, spawn -> StreamChildProcess.start(spawn, options.getLimit()));
  }

  @Override
  public Future<SubprocessTransport> subprocessExec(SubprocessProtocol protocol, List<String> argv,
                                                    ProcessOptions options) {
    return start(false, argv, null, options, StdioMode.PIPE, spawn -> spawn.apply(requireProtocol(protocol)));
  }

  @Override
  public Future<SubprocessTransport> subprocessShell(SubprocessProtocol protocol, String command,
                                                     ProcessOptions options) {
    return start(true, null, command, options, StdioMode.PIPE, spawn -> spawn.apply(requireProtocol(protocol)));
  }

  private static SubprocessProtocol requireProtocol(SubprocessProtocol protocol) {
    if (protocol == null) {
      throw invalid("protocol must not be null");
    }
    return protocol;
  }

  /**
   * Binds a context and, on it, validates what JSON cannot carry faithfully (nulls inside lists and maps; the
   * rest is the service's to check) and hands {@code starter} the function that spawns for a protocol.
   */
  private <T> Future<T> start(boolean isShell, List<String> argv, String shell, ProcessOptions options, StdioMode defaultMode,
                              Function<Function<SubprocessProtocol, Future<SubprocessTransport>>, Future<T>> starter) {
    ChildContext bound = ChildContext.bind(vertx);
    ContextInternal context = bound.context();
    Promise<T> result = context.promise();
    context.runOnContext(v -> {
      try {
        if (closing.get() != null) {
          throw new ProcessException(ErrorCode.CLOSED, "the process client is closed");
        }
        SpawnRequest request = request(isShell, argv, shell, options, defaultMode);
        starter.apply(protocol -> spawn(bound, protocol, request)).onComplete(result);
      } catch (ProcessException e) {
        result.fail(e);
      } catch (RuntimeException e) {
        result.fail(new ProcessException(ErrorCode.INTERNAL, "spawn failed: " + e));
      }
    });
    return result.future();
  }

  private SpawnRequest request(boolean isShell, List<String> argv, String shell, ProcessOptions options,
                               StdioMode defaultMode) {
    if (options == null) {
      throw invalid("options must not be null");
    }
    SpawnRequest request = new SpawnRequest().setOwner(owner).setNode(this.options.getNode());
    if (!isShell) {
      if (argv == null || argv.isEmpty()) {
        throw invalid("argv must name a program");
      }
      for (String arg : argv) {
        if (arg == null) {
          throw invalid("argument must not be null");
        }
      }
      request.setCommand(argv);
    } else if (shell == null) {
      throw invalid("command must not be null");
    } else {
      request.setShell(shell);
    }
    options.getEnv().forEach((name, value) -> {
      if (name == null || value == null) {
        throw invalid("environment names and values must not be null");
      }
    });
    ProcessOptions sent = new ProcessOptions(options);
    sent.setStdin(withDefault(sent.getStdin(), defaultMode));
    sent.setStdout(withDefault(sent.getStdout(), defaultMode));
    sent.setStderr(withDefault(sent.getStderr(), defaultMode));
    return request.setOptions(sent);
  }

  private static Stdio withDefault(Stdio stdio, StdioMode mode) {
    return stdio == null || stdio.getMode() == null ? new Stdio().setMode(mode) : stdio;
  }

  /** On the bound context: the spawn command, then the transport's subscription and attach. */
  private Future<SubprocessTransport> spawn(ChildContext bound, SubprocessProtocol protocol,
                                            SpawnRequest request) {
    return commandsFor(request.getNode(), options.getRequestTimeoutMillis()).spawn(request)
      .recover(e -> Future.failedFuture(toProcessException(e, targetedNode(request.getNode()))))
      .compose(info -> {
        Instance instance = instance(info.getServiceAddress());
        if (nodeWatch != null) {
          nodeWatch.seen(info.getServiceAddress());
        }
        if (closing.get() != null) {
          instance.commands().closeProcess(info.getId(), owner);
          return Future.failedFuture(new ProcessException(ErrorCode.CLOSED, "the process client is closed"));
        }
        RemoteTransport transport = new RemoteTransport(this, bound, protocol, info, instance);
        live.add(transport);
        open.add(transport);
        instance.open().incrementAndGet();
        return transport.start();
      });
  }

  @Override
  public Future<RunResult> run(RunRequest request) {
    ContextInternal context = ChildContext.bind(vertx).context();
    Promise<RunResult> result = context.promise();
    context.runOnContext(v -> {
      if (closing.get() != null) {
        result.fail(new ProcessException(ErrorCode.CLOSED, "the process client is closed"));
        return;
      }
      if (request == null || request.getSpawn() == null) {
        result.fail(invalid("request and request.spawn are required"));
        return;
      }
      RunRequest sent = new RunRequest(request.toJson());
      if (sent.getSpawn().getOwner() == null && !sent.getSpawn().isDetached()) {
        sent.getSpawn().setOwner(owner);
      }
      if (sent.getSpawn().getNode() == null) {
        sent.getSpawn().setNode(options.getNode());
      }
      String node = sent.getSpawn().getNode();
      commandsFor(node, UNBOUNDED_MILLIS).run(sent)
        .recover(e -> Future.failedFuture(toProcessException(e, targetedNode(node)))).onComplete(result);
    });
    return result.future();
  }

  // --- observers

  @Override
  public Future<ProcessObserver> observe(String eventAddress) {
    ChildContext bound = ChildContext.bind(vertx);
    ContextInternal context = bound.context();
    Promise<ProcessObserver> result = context.promise();
    context.runOnContext(v -> {
      if (closing.get() != null) {
        result.fail(new ProcessException(ErrorCode.CLOSED, "the process client is closed"));
        return;
      }
      if (eventAddress == null || eventAddress.isEmpty()) {
        result.fail(invalid("eventAddress must name a process's event address"));
        return;
      }
      ProcessObserverImpl observer = new ProcessObserverImpl(this, bound, eventAddress,
        options.getObserverMaxEvents(), options.getObserverMaxBytes());
      observers.add(observer);
      if (closing.get() != null) { // closed meanwhile: close() may not have seen it
        observer.close();
        result.fail(new ProcessException(ErrorCode.CLOSED, "the process client is closed"));
        return;
      }
      observer.start().onComplete(result);
    });
    return result.future();
  }

  /** The observer unsubscribed (closed, ended, or failed to subscribe): the client need not close it. */
  void forgetObserver(ProcessObserverImpl observer) {
    observers.remove(observer);
  }

  /**
   * Where a spawn or run for {@code node} goes: {@code "local"} to a service in this JVM only (sent
   * {@code localOnly}); a named node straight to its {@code <prefix>.node.<node>} (no forwarding hop); any other
   * to the service address. A configured {@code serviceAddress} takes every request but the local ones.
   */
  private ProcessService commandsFor(String node, long timeoutMillis) {
    boolean local = SpawnRequest.LOCAL_NODE.equals(node);
    if (!local && (node == null || SpawnRequest.ANY_NODE.equals(node) || options.getServiceAddress() != null)) {
      return timeoutMillis == UNBOUNDED_MILLIS ? runService : service;
    }
    String address = local ? serviceAddress : new Addresses(options.getPrefix()).node(node);
    return routes.computeIfAbsent(address + " " + local + " " + timeoutMillis, k -> new ServiceProxyBuilder(vertx)
      .setAddress(address).setOptions(new DeliveryOptions().setSendTimeout(timeoutMillis).setLocalOnly(local))
      .build(ProcessService.class));
  }

  /** The node {@link #commandsFor} sent straight to (named or local), or {@code null} when it went to a service. */
  private String targetedNode(String node) {
    boolean local = SpawnRequest.LOCAL_NODE.equals(node);
    return local || (node != null && !SpawnRequest.ANY_NODE.equals(node) && options.getServiceAddress() == null)
      ? node : null;
  }

  Instance instance(String address) {
    return instances.computeIfAbsent(address, a -> new Instance(a, proxy(a, options.getRequestTimeoutMillis()),
      proxy(a, UNBOUNDED_MILLIS), new AtomicInteger()));
  }

  // --- bookkeeping, from the transports' contexts

  /** The child exited (or was given up): it no longer counts as live. */
  void exited(RemoteTransport transport) {
    live.remove(transport);
  }

  /** The child is finished: nothing more will come for it, and its instance's lease need not be renewed for it. */
  void forget(RemoteTransport transport) {
    live.remove(transport);
    if (open.remove(transport)) {
      transport.instance().open().decrementAndGet();
    }
  }

  @Override
  public int liveCount() {
    return live.size();
  }

  // --- leases

  private void renewLeases() {
    for (Instance instance : instances.values()) {
      if (instance.open().get() > 0) {
        instance.commands().renewLease(owner).onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS) {
            instanceGone(instance);
          } else {
            LOG.log(Level.FINE, "lease renewal at " + instance.address() + " failed", e);
          }
        });
      }
    }
  }

  /**
   * Nobody serves the instance's address any more (in a cluster: its node left before its heartbeats were
   * missed): its children are lost, as with a silent node.
   */
  private void instanceGone(Instance instance) {
    if (nodeWatch != null) {
      nodeWatch.declareLost(instance.address());
    }
    nodeLost(instance.address(), "has no handler any more");
  }

  // --- lost nodes

  private boolean holdsChildren(String address) {
    Instance instance = instances.get(address);
    return instance != null && instance.open().get() > 0;
  }

  /**
   * The instance at {@code address} sent no heartbeat for the node timeout: every child there is given up with
   * {@code NODE_LOST} (pipes lost, {@code waitFor} failed, {@code connectionLost}); their ids are kept so that
   * they are killed if the instance is heard from again. The service's lease ends them if it is not.
   */
  private void nodeLost(String address) {
    nodeLost(address, "sent no heartbeat for " + options.getNodeTimeoutMillis() + " ms");
  }

  private void nodeLost(String address, String why) {
    Instance instance = instances.get(address);
    if (instance == null) {
      return;
    }
    LOG.log(Level.WARNING, "the service instance at {0} {1}: its children are lost", new Object[] {address, why});
    for (RemoteTransport t : new ArrayList<>(open)) {
      if (t.instance() == instance) {
        lostChildren.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(t.info().getId());
        t.fail(new ProcessException(ErrorCode.NODE_LOST, "the node holding process " + t.info().getId() + " ("
          + address + ") " + why));
      }
    }
  }

  /** A lost instance is heard again: what was given up there is killed, never silently controlled again. */
  private void nodeBack(String address) {
    Set<String> ids = lostChildren.remove(address);
    Instance instance = instances.get(address);
    if (ids == null || instance == null) {
      return;
    }
    LOG.log(Level.WARNING, "the service instance at {0} is back: killing the {1} children given up there",
      new Object[] {address, ids.size()});
    for (String id : ids) {
      instance.commands().closeProcess(id, owner)
        .onFailure(e -> LOG.log(Level.FINE, "closeProcess of lost child " + id + " failed", e));
    }
  }

  // --- close

  @Override
  public Future<Void> close() {
    Promise<Void> p = Promise.promise();
    close(p);
    return p.future();
  }

  /** Closes as a Vert.x close hook too. */
  @Override
  public void close(Completable<Void> completion) {
    Promise<Void> mine = Promise.promise();
    if (closing.compareAndSet(null, mine)) {
      vertx.removeCloseHook(this);
      if (renewTimer != -1) {
        vertx.cancelTimer(renewTimer);
      }
      List<Future<Void>> released = new ArrayList<>();
      if (nodeWatch != null) {
        released.add(nodeWatch.close());
      }
      for (ProcessObserverImpl observer : new ArrayList<>(observers)) {
        released.add(observer.close());
      }
      for (Instance instance : instances.values()) {
        released.add(instance.commands().release(owner));
      }
      Future.join(released).onComplete(ar -> {
        ProcessException closed = new ProcessException(ErrorCode.TERMINATED, "the process client was closed");
        for (RemoteTransport t : new ArrayList<>(open)) {
          t.fail(closed);
        }
        mine.complete();
      });
    }
    closing.get().future().onComplete(completion);
  }

  // --- errors

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /**
   * A spawn's or run's failure: as {@link #toProcessException(Throwable)}, but no handler at the address of
   * {@code node} (named or local; {@code null} when the request went to a service address) is
   * {@code UNKNOWN_NODE}.
   */
  static ProcessException toProcessException(Throwable e, String node) {
    if (node != null && e instanceof ReplyException re
      && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS) {
      return new ProcessException(ErrorCode.UNKNOWN_NODE, SpawnRequest.LOCAL_NODE.equals(node)
        ? "no procbus service runs in this JVM (node 'local')" : "no live procbus instance serves node '" + node + "'");
    }
    return toProcessException(e);
  }

  /** A failure as the API reports it: a {@link ProcessException} with a stable code. */
  static ProcessException toProcessException(Throwable e) {
    return FailureCodec.toProcessException(e);
  }
}
