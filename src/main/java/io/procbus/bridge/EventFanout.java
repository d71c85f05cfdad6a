package io.procbus.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers a process's events to the bridge connections registered to its event address: one bus consumer per
 * address, shared by those connections, each event converted to JSON once. A connection whose write queue is
 * full does not read its events: it is aborted and handed to {@code stalled}. Touched on the bridge verticle's
 * context only.
 */
final class EventFanout {

  private static final Logger LOG = Logger.getLogger(EventFanout.class.getName());

  private final Vertx vertx;
  private final Handler<EdgeSession> stalled;
  private final Map<String, Fanout> fanouts = new HashMap<>();

  /** One bus consumer per event address, shared by the connections registered to it. */
  private static final class Fanout {
    MessageConsumer<Object> consumer;
    /** Completes once the consumer is registered, cluster-wide on a clustered bus. */
    Future<Void> ready;
    final Set<EdgeSession> sessions = new LinkedHashSet<>();
  }

  /** {@code stalled} gets each connection aborted because it did not read, to forget it. */
  EventFanout(Vertx vertx, Handler<EdgeSession> stalled) {
    this.vertx = vertx;
    this.stalled = stalled;
  }

  /** Adds {@code s} to the address's fan-out; completes when the bus consumer is registered. */
  Future<Void> join(EdgeSession s, String address) {
    Fanout f = fanouts.computeIfAbsent(address, a -> {
      Fanout created = new Fanout();
      created.consumer = vertx.eventBus().consumer(a, msg -> deliver(created, msg));
      created.ready = created.consumer.completion().otherwiseEmpty();
      return created;
    });
    f.sessions.add(s);
    return f.ready;
  }

  /** Removes {@code s} from the address's fan-out; the last connection to leave unregisters the consumer. */
  void leave(EdgeSession s, String address) {
    Fanout f = fanouts.get(address);
    if (f != null && f.sessions.remove(s) && f.sessions.isEmpty()) {
      fanouts.remove(address);
      f.consumer.unregister();
    }
  }

  /** One event to every connection registered: converted to JSON once, written unless a client stopped reading. */
  private void deliver(Fanout f, Message<Object> msg) {
    Object body = BridgeFrames.jsonBody(msg);
    for (EdgeSession s : f.sessions.toArray(new EdgeSession[0])) {
      if (s.closed) {
        continue;
      }
      if (s.writeQueueFull()) {
        LOG.log(Level.INFO, "{0} does not read its events: closed", s.describe());
        s.abortConnection();
        stalled.handle(s); // its registrations go now: the close may take a while to be noticed
        continue;
      }
      s.write(BridgeFrames.event(s, msg, body));
    }
  }

  /** Event addresses with a consumer, for tests and diagnostics. */
  int size() {
    return fanouts.size();
  }
}
