package io.procbus.verticle;

import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayDeque;

/**
 * The events of one process: numbered {@code seq} 0, 1, 2… in the order they are emitted, and held until the
 * owner's first grant (the <em>attach</em>), then delivered as they come: published on the process's address
 * (protocol version 1), or, when the owner named its own event address (version 2), sent there, and published
 * on the process's address too once someone {@linkplain #watch() watches} (a {@code replay}): in a cluster a
 * publish to an address nobody subscribed is a registry lookup per event, which a process without observers
 * need not pay. The order is the order of the engine's protocol callbacks, which {@code BaseSubprocessTransport}
 * keeps (exit after every byte the child wrote, closed last); nothing here reorders. What is delivered is also
 * kept, within bounds, in an {@link EventRing} for {@code replay}. Context thread only.
 */
final class ProcessEvents {

  private record Pending(EventType type, Object body) {
  }

  private final EventBus bus;
  private final String address;
  private final String ownerAddress;
  private final String id;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final EventRing ring;
  private boolean attached;
  private boolean watched;
  private long seq;

  /** {@code ownerAddress}: the owner's event address (version 2), or {@code null} (version 1). */
  ProcessEvents(EventBus bus, String address, String ownerAddress, String id, ReplayBounds bounds) {
    this.bus = bus;
    this.ring = new EventRing(bounds);
    this.address = address;
    this.ownerAddress = ownerAddress;
    this.id = id;
    this.watched = ownerAddress == null;
  }

  /** Delivers an event, or holds it until the attach. */
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

  /** Someone asked for the events ({@code replay}): from now on they are published on the process's address too. */
  void watch() {
    watched = true;
  }

  /** The delivered events kept for {@code replay}. */
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
    if (ownerAddress != null) {
      bus.send(ownerAddress, body, options);
    }
    if (watched) {
      bus.publish(address, body, options);
    }
  }
}
