package io.procbus.client;

import io.netty.channel.EventLoop;
import io.procbus.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's own event addresses (protocol version 2): one {@link EventRouter} per event loop its children are
 * bound to, {@code <prefix>.client.<client>-<n>}, made on first use, so that an event arrives on its child's event
 * loop and is handled there without another hop. At most one registration per event loop for the client's whole
 * life, never one per child. Any thread.
 */
final class EventRouters {

  private final VertxInternal vertx;
  private final String base;
  private final Map<EventLoop, EventRouter> routers = new ConcurrentHashMap<>();
  private final AtomicInteger made = new AtomicInteger();

  EventRouters(VertxInternal vertx, String prefix) {
    this.vertx = vertx;
    this.base = new Addresses(prefix).client(UUID.randomUUID().toString());
  }

  /** The router of {@code context}'s event loop, on a context of its own there (no deployment's undeploy ends it). */
  EventRouter of(ContextInternal context) {
    return routers.computeIfAbsent(context.nettyEventLoop(), loop -> new EventRouter(vertx,
      vertx.contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP).withEventLoop(loop)
        .withClassLoader(context.classLoader()).build(), base + "-" + made.getAndIncrement()));
  }

  /** Unregisters every router's consumer. */
  Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    for (EventRouter router : routers.values()) {
      closed.add(router.close());
    }
    return Future.join(closed).mapEmpty();
  }
}
