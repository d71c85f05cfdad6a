package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.streams.ChildContext;
import io.procbus.streams.Chunks;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link ProcessObserver}: a bus consumer that is never paused (so the bus never holds events for it
 * beyond its own bounded queue), in front of a bounded queue of its own.
 *
 * <p>The queue holds events and closed {@code MISSED} items in delivery order. The run of sequence numbers
 * currently being missed (dropped here, or never delivered by the bus) is kept apart, as {@code gapFrom} to
 * {@code gapTo}, until the next event is queued behind it or the reader takes it: every arrival either
 * queues, which closes the run into a {@code MISSED} item ahead of it, or extends the run, so a run is always
 * contiguous and its count exact. Once a chunk was dropped, chunks are dropped until the reader takes an
 * item ({@code overflowing}): one overflow is one run. A {@code MISSED} item is only ever queued right
 * before an event, so there are never more of them than events held.
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
  private final int maxEvents;
  private final long maxBytes;

  // Context thread only
  private final ArrayDeque<ObservedEvent> queue = new ArrayDeque<>();
  private MessageConsumer<Object> consumer;
  private Handler<ObservedEvent> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean draining;
  private long expectedSeq;
  private long gapFrom = -1;
  private long gapTo = -1;
  private boolean overflowing;
  private boolean ended;
  private Future<Void> closeFuture;

  // Any thread: written on the context thread only
  private volatile boolean closedArrived;
  private volatile int heldEvents;
  private volatile long heldBytes;
  private volatile long dropped;
  private volatile int peakEvents;
  private volatile long peakBytes;

  ProcessObserverImpl(Observers observers, ChildContext on, String address, int maxEvents, long maxBytes) {
    this.observers = observers;
    this.on = on;
    this.context = on.context();
    this.address = address;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Subscribes; completes once the subscription is in place (in a cluster: known to every node). */
  Future<ProcessObserver> start() {
    assert context.inThread() : "start off the observer's context";
    Promise<ProcessObserver> started = context.promise();
    // The bus delivers on a duplicate of the context: run each event with the observer's context current.
    consumer = observers.vertx().eventBus().consumer(address, m -> on.run(() -> onMessage(m)));
    consumer.completion().onComplete(ar -> on.run(() -> {
      if (ar.succeeded()) {
        started.complete(this);
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
    ObservedEvent event = decode(typeHeader, seq, message.body());
    if (event == null) {
      // not delivered: the next event's seq shows the gap, reported as MISSED
      anomaly("malformed " + typeHeader + " event seq " + seq + " on " + address + ": discarded");
      return;
    }
    if (seq > expectedSeq) {
      miss(expectedSeq, seq - 1); // published before we subscribed, or lost by the bus
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

  private static ObservedEvent decode(String typeHeader, long seq, Object body) {
    EventType type = EventType.of(typeHeader);
    if (type == null) {
      return null;
    }
    if (type == EventType.STDOUT || type == EventType.STDERR) {
      return body instanceof Buffer data && data.length() > 0
        ? ObservedEvent.event(type, seq, Chunks.readOnlyView(data), null) // shared bytes: see Chunks
        : null;
    }
    return body instanceof JsonObject json ? ObservedEvent.event(type, seq, null, json) : null;
  }

  /** Delivers {@code event} now if nothing is ahead of it and the reader wants it; else holds or drops it. */
  private void offer(ObservedEvent event) {
    if (!draining && ready() && queue.isEmpty() && gapFrom < 0) {
      deliver(event);
    } else if (fits(event)) {
      enqueue(event);
    } else {
      dropped++;
      overflowing = true;
      miss(event.seq(), event.seq());
    }
    drain();
  }

  /**
   * Other events fit within the event bound plus the reserve. Chunks fit within both bounds, and not while
   * overflowing: once one was dropped, chunks are dropped until the reader takes an item, so that a smaller
   * chunk squeezing into the room left cannot cut an overflow into many MISSED runs with stray bytes between.
   */
  private boolean fits(ObservedEvent event) {
    if (event.data() == null) {
      return heldEvents < maxEvents + LIFECYCLE_RESERVE;
    }
    return !overflowing && heldEvents < maxEvents && heldBytes + event.data().length() <= maxBytes;
  }

  private void enqueue(ObservedEvent event) {
    if (gapFrom >= 0) {
      queue.add(ObservedEvent.missed(gapFrom, gapTo));
      gapFrom = -1;
    }
    queue.add(event);
    int events = heldEvents + 1;
    long bytes = heldBytes + size(event);
    heldEvents = events;
    heldBytes = bytes;
    if (events > peakEvents) {
      peakEvents = events;
    }
    if (bytes > peakBytes) {
      peakBytes = bytes;
    }
  }

  /** Adds {@code from..to} to the run being missed; a run is contiguous because every arrival ends or extends it. */
  private void miss(long from, long to) {
    if (gapFrom < 0) {
      gapFrom = from;
    } else {
      assert gapTo == from - 1 : "missed run " + gapFrom + ".." + gapTo + " extended by " + from + ".." + to;
    }
    gapTo = to;
  }

  private static int size(ObservedEvent event) {
    return event.data() != null ? event.data().length() : 0;
  }

  // --- delivery, on the context

  private boolean ready() {
    return handler != null && demand > 0 && closeFuture == null && !ended;
  }

  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (ready()) {
        ObservedEvent next = queue.poll();
        if (next == null) {
          if (gapFrom < 0) {
            break;
          }
          next = ObservedEvent.missed(gapFrom, gapTo);
          gapFrom = -1;
        } else if (!next.isMissed()) {
          heldEvents = heldEvents - 1;
          heldBytes = heldBytes - size(next);
        }
        overflowing = false; // the reader made room
        deliver(next);
      }
    } finally {
      draining = false;
    }
  }

  private void deliver(ObservedEvent event) {
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
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
    return heldEvents;
  }

  @Override
  public long bufferedBytes() {
    return heldBytes;
  }

  @Override
  public long droppedEvents() {
    return dropped;
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
    on.run(() -> demand = 0);
    return this;
  }

  @Override
  public ProcessObserver resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ProcessObserver fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("negative fetch amount: " + amount);
    }
    on.run(() -> {
      demand += amount;
      if (demand < 0) {
        demand = Long.MAX_VALUE;
      }
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
        queue.clear();
        gapFrom = -1;
        overflowing = false;
        heldEvents = 0;
        heldBytes = 0;
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
    return peakEvents;
  }

  /** The most chunk bytes held at once so far. */
  long peakBytes() {
    return peakBytes;
  }

  /** Whether the {@code closed} event has arrived (delivered or held): nothing more will. */
  boolean closedArrived() {
    return closedArrived;
  }
}
