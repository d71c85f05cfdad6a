package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessService;
import io.procbus.api.SpawnRequest;
import io.procbus.client.ProcessClientImpl.Instance;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.FailureCodec;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Where the client's commands go. A spawn or run for node {@code "local"} goes to a service in this JVM only
 * (sent {@code localOnly}); for a named node straight to its {@code <prefix>.node.<node>} (no forwarding hop);
 * for any other to the service address. A configured {@code serviceAddress} takes every request but the local
 * ones. The commands of a child go to the {@link Instance} that spawned it. Any thread.
 */
final class Routes {

  /** Send timeout of the commands that wait for the child (stdin writes and close, runs): no timeout, in effect. */
  static final long UNBOUNDED_MILLIS = Integer.MAX_VALUE;

  private final VertxInternal vertx;
  private final ProcessClientOptions options;
  private final String serviceAddress;
  private final ProcessService service;
  private final ProcessService runService;
  /** Proxies for the local node and for named nodes, by address, locality and timeout. */
  private final Map<String, ProcessService> nodes = new ConcurrentHashMap<>();
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();

  Routes(VertxInternal vertx, ProcessClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.serviceAddress = options.getServiceAddress() != null ? options.getServiceAddress()
      : new Addresses(options.getPrefix()).service();
    this.service = proxy(serviceAddress, options.getRequestTimeoutMillis(), false);
    this.runService = proxy(serviceAddress, UNBOUNDED_MILLIS, false);
  }

  private ProcessService proxy(String address, long timeoutMillis, boolean localOnly) {
    return new ServiceProxyBuilder(vertx).setAddress(address)
      .setOptions(new DeliveryOptions().setSendTimeout(timeoutMillis).setLocalOnly(localOnly))
      .build(ProcessService.class);
  }

  /** The proxy at the service address, with the request timeout. */
  ProcessService service() {
    return service;
  }

  /**
   * Sends {@code command} for {@code node} with a send timeout of {@code timeoutMillis}; fails as
   * {@link FailureCodec#toProcessException}, but no handler at a node sent to straight (named or local) is
   * {@code UNKNOWN_NODE}.
   */
  <T> Future<T> send(String node, long timeoutMillis, Function<ProcessService, Future<T>> command) {
    boolean local = SpawnRequest.LOCAL_NODE.equals(node);
    boolean straight = local || (node != null && !SpawnRequest.ANY_NODE.equals(node)
      && options.getServiceAddress() == null);
    ProcessService target;
    if (!straight) {
      target = timeoutMillis == UNBOUNDED_MILLIS ? runService : service;
    } else {
      String address = local ? serviceAddress : new Addresses(options.getPrefix()).node(node);
      target = nodes.computeIfAbsent(address + " " + local + " " + timeoutMillis,
        k -> proxy(address, timeoutMillis, local));
    }
    return command.apply(target).recover(e -> Future.failedFuture(straight ? toProcessException(e, node)
      : FailureCodec.toProcessException(e)));
  }

  private static ProcessException toProcessException(Throwable e, String node) {
    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new ProcessException(ErrorCode.UNKNOWN_NODE, SpawnRequest.LOCAL_NODE.equals(node)
        ? "no procbus service runs in this JVM (node 'local')" : "no live procbus instance serves node '" + node + "'");
    }
    return FailureCodec.toProcessException(e);
  }

  /** The instance at {@code address} (a spawn reply's service address), made on first use. */
  Instance instance(String address) {
    return instances.computeIfAbsent(address, a -> new Instance(a, proxy(a, options.getRequestTimeoutMillis(), false),
      proxy(a, UNBOUNDED_MILLIS, false), new AtomicInteger()));
  }

  /** The instance at {@code address} if this client used it, else {@code null}. */
  Instance find(String address) {
    return instances.get(address);
  }

  /** Every instance this client used. */
  Collection<Instance> instances() {
    return instances.values();
  }
}
