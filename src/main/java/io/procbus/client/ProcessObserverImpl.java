package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.streams.ChildContext;
import io.procbus.streams.Demand;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ProcessObserver}: a bus consumer that is never paused (so the bus never holds events for it
 * beyond its own bounded queue), in front of a bounded {@link ObserverQueue} of its own. It checks the
 * sequence of what arrives (a gap is missed, a late or malformed event reported) and delivers to the reader
 * as a {@code ReadStream}.
 *
 * <p>Everything runs on {@link #on}, the context that called {@code observe} (bound as a child's is); public
 * methods called from elsewhere are hopped onto it, in call order.
 */
final class ProcessObserverImpl implements ProcessObserver {

  private static final Logger LOG = Logger.getLogger(ProcessObserverImpl.class.getName());

  private final Observers observers;
  private final ChildContext on;
  private final ContextInternal context;
  private final String address;
  private final ObserverQueue held;

  // Context thread only
  private MessageConsumer<Object> consumer;
  private Handler<ObservedEvent> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private final Demand demand = new Demand();
  private boolean draining;
  private long expectedSeq;
  private boolean ended;
  private Future<Void> closeFuture;

  // Any thread: written on the context thread only
  private volatile boolean closedArrived;

  ProcessObserverImpl(Observers observers, ChildContext on, String address, int maxEvents, long maxBytes) {
    this.observers = observers;
    this.on = on;
    this.context = on.context();
    this.address = address;
    this.held = new ObserverQueue(maxEvents, maxBytes);
  }

  /**
   * Subscribes; completes once the subscription is in place (in a cluster: known to every node) and the process
   * was asked to publish there ({@link Observers#watch}).
   */
  Future<ProcessObserver> start() {
    assert context.inThread() : "start off the observer's context";
    Promise<ProcessObserver> started = context.promise();
    // The bus delivers on a duplicate of the context: run each event with the observer's context current.
    consumer = observers.vertx().eventBus().consumer(address, m -> on.run(() -> onMessage(m)));
    consumer.completion().onComplete(ar -> on.run(() -> {
      if (ar.succeeded()) {
        observers.watch(address).onComplete(v -> on.run(() -> started.complete(this)));
      } else {
        observers.forget(this);
        started.fail(new ProcessException(ErrorCode.CONNECTION_RESET, "cannot subscribe to " + address + ": "
          + ar.cause()));
      }
    }));
    return started.future();
  }

  // --- arrivals, on the context

  private void onMessage(Message<Object> message) {
    assert context.inThread() : "event off the observer's context";
    if (closeFuture != null || closedArrived) {
      return;
    }
    String seqHeader = message.headers().get(Headers.SEQ);
    String typeHeader = message.headers().get(Headers.TYPE);
    long seq = parseSeq(seqHeader);
    if (seq < 0) {
      anomaly("an event without a valid seq (" + seqHeader + ") on " + address + ": discarded");
      return;
    }
    if (seq < expectedSeq) {
      anomaly("event seq " + seq + " on " + address + " arrived after seq " + (expectedSeq - 1) + ": discarded");
      return;
    }
    ObservedEvent event = ObservedEvent.decode(typeHeader, seq, message.body());
    if (event == null) {
      // not delivered: the next event's seq shows the gap, reported as MISSED
      anomaly("malformed " + typeHeader + " event seq " + seq + " on " + address + ": discarded");
      return;
    }
    if (seq > expectedSeq) {
      held.miss(expectedSeq, seq - 1); // published before we subscribed, or lost by the bus
    }
    expectedSeq = seq + 1;
    if (event.type() == EventType.CLOSED) {
      closedArrived = true; // nothing follows it
      unsubscribe();
    }
    offer(event);
  }

  private static long parseSeq(String header) {
    try {
      return header == null ? -1 : Long.parseLong(header);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Delivers {@code event} now if nothing is ahead of it and the reader wants it; else holds or drops it. */
  private void offer(ObservedEvent event) {
    if (!draining && ready() && held.isEmpty()) {
      deliver(event);
    } else {
      held.offer(event);
    }
    drain();
  }

  // --- delivery, on the context

  private boolean ready() {
    return handler != null && demand.wanted() && closeFuture == null && !ended;
  }

  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (ready()) {
        ObservedEvent next = held.poll();
        if (next == null) {
          break;
        }
        deliver(next);
      }
    } finally {
      draining = false;
    }
  }

  private void deliver(ObservedEvent event) {
    demand.take();
    Handler<ObservedEvent> h = handler;
    boolean wasDraining = draining;
    draining = true; // a fetch() from the handler must not deliver the next item inside this one
    try {
      on.callUser(() -> h.handle(event));
    } finally {
      draining = wasDraining;
    }
    if (event.type() == EventType.CLOSED && closeFuture == null) {
      ended = true;
      observers.forget(this);
      Handler<Void> end = endHandler;
      if (end != null) {
        on.callUser(() -> end.handle(null));
      }
    }
  }

  private void anomaly(String why) {
    Handler<Throwable> h = exceptionHandler;
    if (h == null) {
      LOG.log(Level.WARNING, why);
      return;
    }
    on.callUser(() -> h.handle(new ProcessException(ErrorCode.EVENTS_LOST, why)));
  }

  private Future<Void> unsubscribe() {
    if (consumer != null && consumer.isRegistered()) {
      return consumer.unregister();
    }
    return context.succeededFuture();
  }

  // --- ProcessObserver, any thread

  @Override
  public String address() {
    return address;
  }

  @Override
  public int bufferedEvents() {
    return held.heldEvents();
  }

  @Override
  public long bufferedBytes() {
    return held.heldBytes();
  }

  @Override
  public long droppedEvents() {
    return held.dropped();
  }

  @Override
  public ProcessObserver handler(Handler<ObservedEvent> handler) {
    on.run(() -> {
      this.handler = handler;
      if (handler != null) {
        // Not now: Vert.x's Pipe calls resume() right after handler(), which would undo a pause that an item
        // delivered here made its handler ask for. Delivery starts in a later task, or at the next fetch().
        context.runOnContext(v -> drain());
      }
    });
    return this;
  }

  @Override
  public ProcessObserver pause() {
    on.run(demand::pause);
    return this;
  }

  @Override
  public ProcessObserver resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ProcessObserver fetch(long amount) {
    Demand.checkFetch(amount);
    on.run(() -> {
      demand.add(amount);
      drain();
    });
    return this;
  }

  @Override
  public ProcessObserver endHandler(Handler<Void> endHandler) {
    on.run(() -> this.endHandler = endHandler);
    return this;
  }

  @Override
  public ProcessObserver exceptionHandler(Handler<Throwable> handler) {
    on.run(() -> this.exceptionHandler = handler);
    return this;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> p = context.promise();
    on.run(() -> {
      if (closeFuture == null) {
        held.clear();
        handler = null;
        observers.forget(this);
        closeFuture = unsubscribe();
      }
      closeFuture.onComplete(p);
    });
    return p.future();
  }

  // --- for tests

  /** The most events held at once so far. */
  int peakEvents() {
    return held.peakEvents();
  }

  /** The most chunk bytes held at once so far. */
  long peakBytes() {
    return held.peakBytes();
  }

  /** Whether the {@code closed} event has arrived (delivered or held): nothing more will. */
  boolean closedArrived() {
    return closedArrived;
  }
}
