package io.procbus.client;

import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of the client's own event addresses (protocol version 2, {@link EventRouters}): one consumer, registered
 * once for the client's life (on a clustered bus a cluster-wide registration per event loop, not per child),
 * where the services send the events of every child the client bound to that event loop. Each event goes to the
 * child its {@code id} header names, which takes it on its own context; the bus keeps the order per sender, and
 * so per child. Events of a child not (or no longer) here are dropped: nothing is sent before the child's attach
 * grant, which comes after {@link #add}. Any thread.
 */
final class EventRouter {

  private final VertxInternal vertx;
  private final ContextInternal context;
  private final String address;
  private final Map<String, RemoteTransport> children = new ConcurrentHashMap<>();
  private MessageConsumer<Object> consumer;
  private Future<Void> registered;

  /** The router of {@code address}, whose consumer runs on {@code context} (the client's own). */
  EventRouter(VertxInternal vertx, ContextInternal context, String address) {
    this.vertx = vertx;
    this.context = context;
    this.address = address;
  }

  /** The address, as a spawn request names it. */
  String address() {
    return address;
  }

  /** Registers the consumer on first use; completes once it is in place (in a cluster: known to every node). */
  synchronized Future<Void> ready() {
    if (registered == null) {
      ContextInternal prev = context.beginDispatch();
      try {
        consumer = vertx.eventBus().consumer(address, this::route);
      } finally {
        context.endDispatch(prev);
      }
      registered = consumer.completion();
    }
    return registered;
  }

  private void route(Message<Object> message) {
    String id = message.headers().get(Headers.ID);
    RemoteTransport child = id == null ? null : children.get(id);
    if (child != null) {
      child.deliver(message);
    }
  }

  /** The events of process {@code id} go to {@code child} from now on. */
  void add(String id, RemoteTransport child) {
    children.put(id, child);
  }

  /** The events of process {@code id} are dropped from now on. */
  void remove(String id, RemoteTransport child) {
    children.remove(id, child);
  }

  /** Unregisters the consumer, if it was registered. */
  synchronized Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
