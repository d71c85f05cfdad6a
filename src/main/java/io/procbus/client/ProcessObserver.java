package io.procbus.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

/**
 * A read-only subscriber to one process's events, who never slows the process: it grants no credit, so the
 * owner alone paces the child, and it holds at most a bounded number of undelivered events. What it cannot
 * hold it drops, and it says so with a {@link ObservedEvent.Kind#MISSED} item. Made by
 * {@link ProcessClient#observe(String)}.
 *
 * <p>As a {@link ReadStream} it is flowing once a {@link #handler} is set; {@link #pause()}, {@link #resume()}
 * and {@link #fetch(long)} count items, {@code MISSED} ones included. Until a handler is set, and while
 * paused, events are held, up to {@link ProcessClientOptions#getObserverMaxEvents()} events and
 * {@link ProcessClientOptions#getObserverMaxBytes()} bytes of chunk data. An event that arrives when either
 * bound is reached is dropped and counted, and so is every chunk after it until the reader takes an item
 * (a smaller chunk that would fit the room left does not cut the run). When the reader gets past the items
 * held, it gets one {@code MISSED} item naming the exact sequence numbers dropped, then the events that
 * arrived after them, in {@code seq} order. Events other than chunks ({@code eof}, {@code stdin-closed},
 * {@code exit}, {@code closed}, {@code terminated}: at most six per process) may also use a reserve of
 * {@value #LIFECYCLE_RESERVE} events beyond the bound, so a slow observer still learns how the process ended.
 *
 * <p>{@code MISSED} also reports gaps in the sequence numbers the bus delivered: an observer subscribed after
 * the process published events first gets {@code MISSED} from 0 to the first {@code seq} it saw minus one,
 * and events the bus lost (Vert.x discards messages for a consumer whose event loop lags more than 1,000
 * behind) are reported the same way. An event that arrives after a later one was seen is discarded and
 * reported to the {@link #exceptionHandler} with {@code EVENTS_LOST}, as is a malformed one.
 *
 * <p>The stream ends ({@link #endHandler}) right after the {@code closed} event was delivered; the bus
 * subscription is dropped as soon as {@code closed} arrives. {@code terminated} does not end it: the protocol
 * still publishes {@code eof}, {@code exit} and {@code closed} after it. Handlers run on the context that
 * called {@code observe} (as for a spawned child: that event-loop context, a worker's event loop, or a new
 * event-loop context for a thread outside Vert.x); methods may be called from any thread and take effect
 * on that context, in call order.
 *
 * <p><em>Caveats:</em> an observer of a process whose service instance is gone never sees {@code closed}:
 * {@link #close()} it. A handler that blocks its event loop does not grow this observer's buffer, but delays
 * the bus's own queue in front of it, which then discards (reported as {@code MISSED}).
 */
public interface ProcessObserver extends ReadStream<ObservedEvent> {

  /**
   * Events other than chunks an observer holds beyond {@code observerMaxEvents}: room for a process's
   * {@code eof} (two), {@code stdin-closed}, {@code exit}, {@code closed} and {@code terminated}, and two spare.
   */
  int LIFECYCLE_RESERVE = 8;

  /** The event address observed. */
  String address();

  /** Events held, not yet delivered (the reserve included). */
  int bufferedEvents();

  /** Bytes of chunk data held, not yet delivered: never more than {@code observerMaxBytes}. */
  long bufferedBytes();

  /** Events dropped here for lack of room so far (events the bus lost are not counted). */
  long droppedEvents();

  /**
   * Unsubscribes and discards what is held; nothing is delivered after it completes and the end handler is
   * not called. Idempotent.
   */
  Future<Void> close();

  @Override
  ProcessObserver exceptionHandler(Handler<Throwable> handler);

  @Override
  ProcessObserver handler(Handler<ObservedEvent> handler);

  @Override
  ProcessObserver pause();

  @Override
  ProcessObserver resume();

  @Override
  ProcessObserver fetch(long amount);

  @Override
  ProcessObserver endHandler(Handler<Void> endHandler);
}
