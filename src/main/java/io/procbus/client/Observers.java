package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.streams.ChildContext;
import io.vertx.core.Future;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** The client's observers: subscribes them, and closes those still subscribed when the client closes. Any thread. */
final class Observers {

  private final VertxInternal vertx;
  private final int maxEvents;
  private final long maxBytes;
  private final BooleanSupplier clientClosed;
  private final Set<ProcessObserverImpl> open = ConcurrentHashMap.newKeySet();

  Observers(VertxInternal vertx, ProcessClientOptions options, BooleanSupplier clientClosed) {
    this.vertx = vertx;
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
