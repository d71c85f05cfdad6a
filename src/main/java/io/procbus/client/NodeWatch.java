package io.procbus.client;

import io.procbus.protocol.Heartbeat;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The client's view of the heartbeats on {@code <prefix>.nodes}: when each service instance it used was last
 * heard from (a spawn reply counts as a heartbeat). An instance that holds children and stays silent for
 * longer than the node timeout is reported {@code lost} once; if it is heard again later (a partition healed,
 * a stalled JVM resumed) it is reported {@code back}, so the client can kill what it gave up there instead of
 * silently resuming control.
 *
 * <p>Confined to the client's own context: every method hops onto it.
 */
final class NodeWatch {

  private final VertxInternal vertx;
  private final ContextInternal context;
  private final String nodesAddress;
  private final long timeoutNanos;
  private final Predicate<String> holdsChildren;
  private final Consumer<String> lost;
  private final Consumer<String> back;

  // Context thread only
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Set<String> lostAddresses = new HashSet<>();
  private MessageConsumer<Object> consumer;
  private long timer = -1;
  private long lastCheck = System.nanoTime();

  /**
   * A watch of the heartbeats on {@code nodesAddress}; an instance address for which {@code holdsChildren} is
   * true and that is silent for {@code timeoutMillis} is passed to {@code lost}.
   */
  NodeWatch(VertxInternal vertx, ContextInternal context, String nodesAddress, long timeoutMillis,
            Predicate<String> holdsChildren, Consumer<String> lost, Consumer<String> back) {
    this.vertx = vertx;
    this.context = context;
    this.nodesAddress = nodesAddress;
    this.timeoutNanos = timeoutMillis * 1_000_000;
    this.holdsChildren = holdsChildren;
    this.lost = lost;
    this.back = back;
    context.runOnContext(v -> {
      consumer = vertx.eventBus().consumer(nodesAddress, this::onHeartbeat);
      long period = Math.max(10, Math.min(1_000, timeoutMillis / 5));
      timer = vertx.setPeriodic(period, t -> check());
    });
  }

  /** The instance at {@code address} answered now (a spawn reply). */
  void seen(String address) {
    context.runOnContext(v -> heard(address));
  }

  /** The instance at {@code address} was found gone by other means: report it {@code back} if heard again. */
  void declareLost(String address) {
    context.runOnContext(v -> lostAddresses.add(address));
  }

  private void onHeartbeat(Message<Object> message) {
    if (message.body() instanceof JsonObject json && json.getValue(Heartbeat.ADDRESS) instanceof String address
      && !Boolean.TRUE.equals(json.getValue(Heartbeat.LEAVING))) {
      heard(address);
    }
  }

  private void heard(String address) {
    lastSeen.put(address, System.nanoTime());
    if (lostAddresses.remove(address)) {
      back.accept(address);
    }
  }

  private void check() {
    long now = System.nanoTime();
    long sinceLastCheck = now - lastCheck;
    lastCheck = now;
    if (sinceLastCheck > timeoutNanos / 2) {
      return; // this client was stalled (a GC pause): heartbeats may be queued behind this check
    }
    lastSeen.forEach((address, seen) -> {
      if (now - seen > timeoutNanos && !lostAddresses.contains(address) && holdsChildren.test(address)) {
        lostAddresses.add(address);
        lost.accept(address);
      }
    });
  }

  /** Stops watching. */
  Future<Void> close() {
    return context.succeededFuture().compose(v -> {
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
      return consumer == null ? Future.succeededFuture() : consumer.unregister();
    });
  }
}
