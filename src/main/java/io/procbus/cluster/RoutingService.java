package io.procbus.cluster;

import io.procbus.api.Admission;
import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.protocol.FailureCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The {@link ProcessService} an instance binds: its own service, with {@code spawn} and {@code run} placed
 * by {@link SpawnRequest#getNode()} and {@code nodes} answered from the heartbeats.
 *
 * <p>Placement: a request for this node or for {@code "local"} runs here; for another named node it is
 * forwarded to {@code <prefix>.node.<node>} ({@code UNKNOWN_NODE} when nobody serves it); an unnamed one (or
 * {@code "any"}) runs here when it came to this instance's or node's own address, and otherwise goes, in a
 * cluster, to the least-loaded live instance — here when this one is as little
 * loaded — forwarded to that instance's address with {@code node} set to its node name. A forwarded request
 * always names the node that receives it, so it runs there and is never forwarded again. The reply is the
 * owning instance's, so the client sends every later command straight there. A request a bridge admitted goes
 * only to an instance whose heartbeat has its admission key and the capabilities it requires
 * ({@code INCAPABLE_NODE} when none, or not the named node, has).
 */
public final class RoutingService implements ProcessService {

  /** Send timeout of forwarded runs: they wait for the child (a silent node fails them with {@code NODE_LOST}). */
  private static final long UNBOUNDED_MILLIS = Integer.MAX_VALUE;

  private final Vertx vertx;
  private final ProcessService local;
  private final ClusterMember member;
  private final long spawnForwardTimeoutMillis;
  private final boolean placeUnnamed;
  /** Proxies by address and timeout, the least recently used dropped beyond 256; on the instance's context. */
  private final Map<String, ProcessService> proxies = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ProcessService> eldest) {
      return size() > 256;
    }
  };

  /**
   * Routes for {@code local}; a forwarded spawn waits {@code spawnTimeoutMillis} plus 5 s for its reply. With
   * {@code placeUnnamed} (the shared service address), an unnamed spawn is placed by load; without (an
   * instance's or a node's own address, which the caller chose), it runs here.
   */
  public RoutingService(Vertx vertx, ProcessService local, ClusterMember member, long spawnTimeoutMillis,
                        boolean placeUnnamed) {
    this.vertx = vertx;
    this.placeUnnamed = placeUnnamed;
    this.local = local;
    this.member = member;
    this.spawnForwardTimeoutMillis = spawnTimeoutMillis + 5_000;
  }

  /** Where a request goes: {@code null} for here, else the target address and the node it names. */
  private record Route(String address, String node, boolean named) {
  }

  /**
   * Where {@code request} runs; an admitted request only where its admission can be opened and its limits
   * honoured (the {@code admissionKey} and {@code capabilities} of the heartbeats).
   *
   * @throws ProcessException {@code INCAPABLE_NODE} when no node, or not the named one, can
   */
  private Route route(SpawnRequest request) {
    if (request == null) {
      return null; // the instance's own checks refuse it
    }
    String node = request.getNode();
    if (SpawnRequest.LOCAL_NODE.equals(node) || member.node().equals(node)) {
      return null; // this instance's guard checks that it can
    }
    Predicate<NodeInfo> able = able(request.getAdmission());
    if (node == null || SpawnRequest.ANY_NODE.equals(node)) {
      if (!placeUnnamed || !member.placesSpawns()) {
        return null;
      }
      NodeInfo target = member.pick(able);
      if (target == null && !able.test(member.self())) {
        throw incapable("no live node can run it: " + needs(request.getAdmission()));
      }
      return target == null ? null : new Route(target.getAddress(), target.getNode(), false);
    }
    List<NodeInfo> instances = member.instancesOf(node);
    if (!instances.isEmpty() && instances.stream().noneMatch(able)) {
      throw incapable("node '" + node + "' cannot run it: " + needs(request.getAdmission()));
    }
    return new Route(member.addresses().node(node), node, true);
  }

  /** Whether an instance can run a request with {@code admission} (any instance, for one without). */
  private static Predicate<NodeInfo> able(Admission admission) {
    if (admission == null) {
      return n -> true;
    }
    return n -> admission.getKey() != null && admission.getKey().equals(n.getAdmissionKey())
      && n.getCapabilities().containsAll(admission.getRequires());
  }

  private static String needs(Admission admission) {
    return "it was admitted under key " + admission.getKey() + " and requires " + admission.getRequires()
      + " (rlimits need prlimit(1), runAs root and setpriv(1))";
  }

  private static ProcessException incapable(String message) {
    return new ProcessException(ErrorCode.INCAPABLE_NODE, message);
  }

  /** {@link #route}, or the failure it throws in its wire form. */
  private Future<Route> routeOf(SpawnRequest request) {
    try {
      return Future.succeededFuture(route(request));
    } catch (ProcessException e) {
      return Future.failedFuture(FailureCodec.toServiceException(e));
    }
  }

  @Override
  public Future<ProcessInfo> spawn(SpawnRequest request) {
    Future<Route> routed = routeOf(request);
    if (routed.failed()) {
      return Future.failedFuture(routed.cause());
    }
    Route route = routed.result();
    if (route == null) {
      return local.spawn(request);
    }
    SpawnRequest forwarded = new SpawnRequest(request).setNode(route.node());
    return forward(route, spawnForwardTimeoutMillis, s -> s.spawn(forwarded), () -> local.spawn(request));
  }

  @Override
  public Future<RunResult> run(RunRequest request) {
    Future<Route> routed = routeOf(request == null ? null : request.getSpawn());
    if (routed.failed()) {
      return Future.failedFuture(routed.cause());
    }
    Route route = routed.result();
    if (route == null) {
      return local.run(request);
    }
    RunRequest forwarded = new RunRequest(request.toJson());
    forwarded.getSpawn().setNode(route.node());
    Promise<RunResult> reply = Promise.promise();
    member.watch(route.node(), reply);
    forward(route, UNBOUNDED_MILLIS, s -> s.run(forwarded), () -> local.run(request)).onComplete(reply);
    return reply.future();
  }

  /**
   * Sends a command to the route's address; the target's failures come back unchanged, a missing target is
   * {@code UNKNOWN_NODE} for a named node (an unnamed one falls back to {@code here}), no reply in time is
   * {@code TIMEOUT}.
   */
  private <T> Future<T> forward(Route route, long timeoutMillis, Function<ProcessService, Future<T>> command,
                                Supplier<Future<T>> here) {
    ProcessService target = proxy(route.address(), timeoutMillis);
    return command.apply(target).recover(e -> {
      Throwable failure = e;
      if (e instanceof ReplyException re && !(e instanceof ServiceException)) {
        if (re.failureType() == ReplyFailure.NO_HANDLERS) {
          if (!route.named()) {
            return here.get();
          }
          failure = new ProcessException(ErrorCode.UNKNOWN_NODE, "no live service instance serves node '"
            + route.node() + "'");
        } else if (re.failureType() == ReplyFailure.TIMEOUT) {
          failure = new ProcessException(ErrorCode.TIMEOUT, "node '" + route.node() + "' did not answer in "
            + timeoutMillis + " ms");
        }
      }
      return Future.failedFuture(FailureCodec.toServiceException(failure));
    });
  }

  private ProcessService proxy(String address, long timeoutMillis) {
    return proxies.computeIfAbsent(address + " " + timeoutMillis, k -> new ServiceProxyBuilder(vertx)
      .setAddress(address).setOptions(new DeliveryOptions().setSendTimeout(timeoutMillis)).build(ProcessService.class));
  }

  @Override
  public Future<List<NodeInfo>> nodes() {
    return Future.succeededFuture(member.nodes());
  }

  // --- the rest is this instance's own

  @Override
  public Future<Void> writeStdin(String id, String owner, Buffer data) {
    return local.writeStdin(id, owner, data);
  }

  @Override
  public Future<Void> closeStdin(String id, String owner) {
    return local.closeStdin(id, owner);
  }

  @Override
  public Future<Void> closePipe(String id, String owner, int fd) {
    return local.closePipe(id, owner, fd);
  }

  @Override
  public Future<Void> closeProcess(String id, String owner) {
    return local.closeProcess(id, owner);
  }

  @Override
  public Future<Void> signal(String id, String owner, String signal, boolean group) {
    return local.signal(id, owner, signal, group);
  }

  @Override
  public Future<Void> resize(String id, String owner, int cols, int rows) {
    return local.resize(id, owner, cols, rows);
  }

  /**
   * This instance's process {@code id}; on the shared address, a process this instance does not hold is asked
   * of every other live instance in turn, so that a caller (a bridge looking up an owner) need not know where a
   * process runs. {@code UNKNOWN_PROCESS} when nobody holds it.
   */
  @Override
  public Future<ProcessInfo> info(String id) {
    Future<ProcessInfo> here = local.info(id);
    if (!placeUnnamed) {
      return here;
    }
    return here.recover(e -> {
      if (!(e instanceof ServiceException se) || se.failureCode() != ErrorCode.UNKNOWN_PROCESS.code()) {
        return Future.failedFuture(e);
      }
      Future<ProcessInfo> found = Future.failedFuture(e);
      for (NodeInfo n : member.nodes()) {
        if (!n.getInstance().equals(member.instance())) {
          found = found.recover(miss -> proxy(n.getAddress(), spawnForwardTimeoutMillis).info(id)
            .recover(other -> Future.failedFuture(e)));
        }
      }
      return found;
    });
  }

  @Override
  public Future<JsonObject> replay(String id, String owner, long fromSeq) {
    return local.replay(id, owner, fromSeq);
  }

  @Override
  public Future<List<ProcessInfo>> list() {
    return local.list();
  }

  @Override
  public Future<Long> renewLease(String owner) {
    return local.renewLease(owner);
  }

  @Override
  public Future<Void> release(String owner) {
    return local.release(owner);
  }
}
