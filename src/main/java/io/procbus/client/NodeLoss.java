package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.client.ProcessClientImpl.Instance;
import io.procbus.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the client does when a service instance holding its children is lost: it gives those children up with
 * {@code NODE_LOST} (pipes lost, {@code waitFor} failed, {@code connectionLost}) and keeps their ids, so that
 * they are killed if the instance is heard from again, never silently controlled again (the service's lease
 * ends them if it is not). An instance is lost when its heartbeats stop for the node timeout (a
 * {@link NodeWatch}, when {@code nodeTimeoutMillis} is positive) or when nobody serves its address any more.
 */
final class NodeLoss {

  private static final Logger LOG = Logger.getLogger(NodeLoss.class.getName());

  private final Routes routes;
  private final Children children;
  private final String owner;
  private final long timeoutMillis;
  /** Instance address → ids of the children given up there with {@code NODE_LOST}, killed if it comes back. */
  private final Map<String, Set<String>> lostChildren = new ConcurrentHashMap<>();
  private final NodeWatch watch;

  NodeLoss(VertxInternal vertx, ContextInternal context, ProcessClientOptions options, Routes routes,
           Children children, String owner) {
    this.routes = routes;
    this.children = children;
    this.owner = owner;
    this.timeoutMillis = options.getNodeTimeoutMillis();
    this.watch = timeoutMillis > 0
      ? new NodeWatch(vertx, context, new Addresses(options.getPrefix()).nodes(), timeoutMillis,
        this::holdsChildren, address -> lost(address, "sent no heartbeat for " + timeoutMillis + " ms"), this::back)
      : null;
  }

  /** The instance at {@code address} answered now (a spawn reply counts as a heartbeat). */
  void seen(String address) {
    if (watch != null) {
      watch.seen(address);
    }
  }

  /**
   * Nobody serves the instance's address any more (in a cluster: its node left before its heartbeats were
   * missed): its children are lost, as with a silent node.
   */
  void gone(Instance instance) {
    if (watch != null) {
      watch.declareLost(instance.address());
    }
    lost(instance.address(), "has no handler any more");
  }

  private boolean holdsChildren(String address) {
    Instance instance = routes.find(address);
    return instance != null && instance.open().get() > 0;
  }

  private void lost(String address, String why) {
    Instance instance = routes.find(address);
    if (instance == null) {
      return;
    }
    LOG.log(Level.WARNING, "the service instance at {0} {1}: its children are lost", new Object[] {address, why});
    for (RemoteTransport t : children.openAt(instance)) {
      lostChildren.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(t.info().getId());
      t.fail(new ProcessException(ErrorCode.NODE_LOST, "the node holding process " + t.info().getId() + " ("
        + address + ") " + why));
    }
  }

  /** A lost instance is heard again: what was given up there is killed. */
  private void back(String address) {
    Set<String> ids = lostChildren.remove(address);
    Instance instance = routes.find(address);
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

  /** Stops watching heartbeats. */
  Future<Void> close() {
    return watch == null ? Future.succeededFuture() : watch.close();
  }
}
