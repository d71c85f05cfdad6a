package io.procbus.verticle;

import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayDeque;

/**
 * The events of one process on its address: numbered {@code seq} 0, 1, 2… in the order they are emitted, and
 * held until the owner's first grant (the <em>attach</em>), then published as they come. The order is the order
 * of the engine's protocol callbacks, which {@code BaseSubprocessTransport} keeps (exit after every byte the
 * child wrote, closed last); nothing here reorders. What is published is also kept, within bounds, in an
 * {@link EventRing} for {@code replay}. Context thread only.
 */
final class ProcessEvents {

  private record Pending(EventType type, Object body) {
  }

  private final EventBus bus;
  private final String address;
  private final String id;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final EventRing ring;
  private boolean attached;
  private long seq;

  ProcessEvents(EventBus bus, String address, String id, ReplayBounds bounds) {
    this.bus = bus;
    this.ring = new EventRing(bounds);
    this.address = address;
    this.id = id;
  }

  /** Publishes an event, or holds it until the attach. */
  void emit(EventType type, Object body) {
    if (attached) {
      publish(type, body);
    } else {
      pending.add(new Pending(type, body));
    }
  }

  /** The owner attached: what was held is published, in order; later events go out at once. Idempotent. */
  void attach() {
    if (!attached) {
      attached = true;
      for (Pending p; (p = pending.poll()) != null; ) {
        publish(p.type, p.body);
      }
    }
  }

  /** The published events kept for {@code replay}. */
  EventRing ring() {
    return ring;
  }

  private void publish(EventType type, Object body) {
    ring.record(seq, type, body);
    // Options of its own per event, not one reused: the message keeps the headers map by reference, and a
    // clustered bus encodes it only after looking the subscribers up, so the next event's seq could rewrite it.
    DeliveryOptions options = new DeliveryOptions()
      .addHeader(Headers.TYPE, type.wire())
      .addHeader(Headers.SEQ, Long.toString(seq++))
      .addHeader(Headers.ID, id);
    bus.publish(address, body, options);
  }
}
