package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Headers;
import io.procbus.streams.ChildContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The client's observers: subscribes them, asks the process's instance to publish its events (a process whose
 * owner takes them on its own address, protocol version 2, publishes them only once watched), and closes those
 * still subscribed when the client closes. Any thread.
 */
final class Observers {

  private final VertxInternal vertx;
  private final int maxEvents;
  private final long maxBytes;
  private final BooleanSupplier clientClosed;
  private final Routes routes;
  private final String processPrefix;
  private final long timeoutMillis;
  private final Set<ProcessObserverImpl> open = ConcurrentHashMap.newKeySet();

  Observers(VertxInternal vertx, ProcessClientOptions options, Routes routes, BooleanSupplier clientClosed) {
    this.vertx = vertx;
    this.routes = routes;
    this.processPrefix = new Addresses(options.getPrefix()).process("");
    this.timeoutMillis = options.getRequestTimeoutMillis();
    this.maxEvents = options.getObserverMaxEvents();
    this.maxBytes = options.getObserverMaxBytes();
    this.clientClosed = clientClosed;
  }

  VertxInternal vertx() {
    return vertx;
  }

  /** On {@code bound}'s context: an observer of {@code eventAddress}, once subscribed. */
  Future<ProcessObserver> observe(ChildContext bound, String eventAddress) {
    if (eventAddress == null || eventAddress.isEmpty()) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT,
        "eventAddress must name a process's event address"));
    }
    ProcessObserverImpl observer = new ProcessObserverImpl(this, bound, eventAddress, maxEvents, maxBytes);
    open.add(observer);
    if (clientClosed.getAsBoolean()) { // closed meanwhile: closeAll() may not have seen it
      observer.close();
      return Future.failedFuture(ProcessClientImpl.closedFailure());
    }
    return observer.start();
  }

  /**
   * Once subscribed to {@code eventAddress}: finds its process's instance ({@code info} through the service,
   * which asks every instance) and sends it a {@code replay} from past the end (no events back), after which the
   * process publishes there. Completes when that is done; a failure (an address that is not a process's, a
   * process gone) changes nothing: the observer sees what is published.
   */
  Future<Void> watch(String eventAddress) {
    if (!eventAddress.startsWith(processPrefix) || eventAddress.length() == processPrefix.length()) {
      return Future.succeededFuture();
    }
    String id = eventAddress.substring(processPrefix.length());
    return routes.service().info(id).compose(info -> vertx.eventBus().request(info.getServiceAddress(),
        new JsonObject().put("id", id).put("fromSeq", Long.MAX_VALUE),
        new DeliveryOptions().addHeader(Headers.ACTION, "replay").setSendTimeout(timeoutMillis)))
      .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** The observer unsubscribed (closed, ended, or failed to subscribe): the client need not close it. */
  void forget(ProcessObserverImpl observer) {
    open.remove(observer);
  }

  /** Closes every observer still subscribed; one future per observer. */
  List<Future<Void>> closeAll() {
    List<Future<Void>> closed = new ArrayList<>();
    for (ProcessObserverImpl observer : new ArrayList<>(open)) {
      closed.add(observer.close());
    }
    return closed;
  }
}
