package io.procbus.verticle;

import io.procbus.api.ProcessService;
import io.procbus.cluster.ClusterMember;
import io.procbus.cluster.RoutingService;
import io.procbus.config.ConfiguredVerticle;
import io.procbus.config.ProcbusOptions;
import io.procbus.policy.NodeTrust;
import io.procbus.policy.ServiceGuard;
import io.procbus.engine.LocalProcessEngine;
import io.procbus.engine.linux.Leftovers;
import io.procbus.protocol.Addresses;
import io.procbus.config.StateDirectory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.serviceproxy.ServiceBinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The procbus service: one process engine served on the event bus under a prefix (default {@code procbus}).
 *
 * <p>It binds {@link ProcessService} on {@code <prefix>.service} (shared by every instance) and on
 * {@code <prefix>.instance.<instance>} (this instance only), and takes flow-control grants on
 * {@code <prefix>.instance.<instance>.control}; each child publishes its events on
 * {@code <prefix>.process.<id>}. It also binds the service on {@code <prefix>.node.<node>} and publishes its
 * heartbeat on {@code <prefix>.nodes} ({@code cluster} config section): spawns and runs are placed on a named,
 * the local or the least-loaded node by the {@link RoutingService} it binds in front of its own service.
 * Several instances may run in one Vert.x: each has its own engine and owns its
 * children (deployed with several instances and a configured {@code instance} id, each instance appends a
 * random suffix to it). Deployed by a node, it runs with the options the node read once; deployed alone, it
 * reads its config at start, strictly (see {@code docs/protocol.md} for the keys): a bad key fails the
 * deployment, naming the key.
 *
 * <p>{@link #stop()} refuses new spawns, publishes {@code terminated} for every process, sends TERM, waits the
 * kill grace, sends KILL, and completes only once every child is reaped: undeploying never leaks a child.
 */
public class ProcessVerticle extends ConfiguredVerticle {

  /** Whether this JVM already looked for what a previous run left: the first instance with a watchdog does. */
  private static final AtomicBoolean LEFTOVERS_SWEPT = new AtomicBoolean();

  private String instance;
  private ProcessServiceImpl service;
  private ClusterMember member;
  private NodeTrust trust;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /** A service that reads its config at start, strictly (deployed alone, with {@code DeploymentOptions.setConfig}). */
  public ProcessVerticle() {
    this(null);
  }

  /** A service with options a node read and checked already ({@link ProcbusOptions#fromConfig}). */
  public ProcessVerticle(ProcbusOptions options) {
    super(options);
  }

  @Override
  protected Future<?> start(ProcbusOptions options) {
    instance = options.getInstance() == null ? UUID.randomUUID().toString()
      // deployed with -instances N and one config: each instance still needs addresses of its own
      : context.getInstanceCount() > 1 ? options.getInstance() + "-" + UUID.randomUUID().toString().substring(0, 8)
      : options.getInstance();
    long spawnTimeoutMillis = options.getLimits().getSpawnTimeoutMillis();
    Addresses addresses = new Addresses(options.getPrefix());
    try {
      // the node's policy, tokens, admission key and audit log, read once for all its parts
      trust = NodeTrust.acquire(vertx, options);
      member = new ClusterMember(vertx, addresses, options.getCluster(), instance, options.getLimits().getMaxProcesses(),
        () -> service.liveCount(), trust.capabilities(), trust.key().id());
    } catch (IllegalArgumentException e) {
      // a failed start is not stopped: give the trust back now
      return (trust == null ? Future.<Void>succeededFuture() : trust.release(vertx)).transform(v ->
        Future.failedFuture(e));
    }
    ServiceGuard guard = new ServiceGuard(trust, instance);
    LocalProcessEngine engine = new LocalProcessEngine(vertx, options.getEngine());
    service = new ProcessServiceImpl(vertx, (ContextInternal) context, engine, instance, options);
    service.guard(guard);
    // the shared address places unnamed spawns by load; this instance's and this node's own addresses run them here
    ProcessService placing = new RoutingService(vertx, service, member, spawnTimeoutMillis, true);
    ProcessService pinned = new RoutingService(vertx, service, member, spawnTimeoutMillis, false);
    bind(addresses.service(), placing);
    bind(addresses.instance(instance), pinned);
    bind(addresses.node(member.node()), pinned);
    consumers.add(vertx.eventBus().consumer(addresses.control(instance), service::onControl));
    service.start();
    sweepLeftovers(options.getEngine().isWatchdog());
    List<Future<Void>> registered = new ArrayList<>();
    registered.add(member.start());
    consumers.forEach(c -> registered.add(c.completion()));
    return Future.all(registered);
  }

  /**
   * Kills, on a worker, what a previous run left when its JVM and its watchdog both died (see
   * {@code docs/engine.md}), and reports it; once per JVM, never delaying the start.
   */
  private void sweepLeftovers(boolean watchdog) {
    Path state = StateDirectory.of(System.getenv());
    if (watchdog && LEFTOVERS_SWEPT.compareAndSet(false, true)) {
      vertx.executeBlocking(() -> Leftovers.sweep(state), false).onComplete(ar -> {
        if (ar.succeeded() && ar.result().killed() > 0) {
          service.monitor().leftoversKilled(ar.result().killed(), state.toString());
        } else if (ar.failed()) {
          ((ContextInternal) context).reportException(ar.cause());
        }
      });
    }
  }

  private void bind(String address, ProcessService routed) {
    consumers.add(new ServiceBinder(vertx)
      .setAddress(address)
      .setIncludeDebugInfo(false)
      .addInterceptor(new RequestValidator())
      .addInterceptor(new BridgeOriginCheck())
      .register(ProcessService.class, routed));
  }

  @Override
  public Future<?> stop() {
    if (service == null) {
      return trust == null ? Future.succeededFuture() : trust.release(vertx);
    }
    Future<Void> left = member == null ? Future.succeededFuture() : member.stop();
    return left.transform(v -> service.stop()).eventually(() -> {
      List<Future<Void>> unregistered = new ArrayList<>();
      consumers.forEach(c -> unregistered.add(c.unregister()));
      return Future.join(unregistered);
    }).eventually(() -> trust.release(vertx)); // the last part of the node closes the audit log
  }

  /** This instance's id ({@code instance} in the config, or a random UUID). Set once started. */
  public String instance() {
    return instance;
  }

  /** Runs {@code probe} on the service's context and completes with its result: for white-box tests. */
  <T> Future<T> inspect(Function<ProcessServiceImpl, T> probe) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(probe.apply(service));
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    return result.future();
  }
}
