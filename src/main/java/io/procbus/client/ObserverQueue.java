package io.procbus.client;

import java.util.ArrayDeque;

/**
 * What a {@link ProcessObserver} holds for its reader: a bounded queue of events and closed {@code MISSED}
 * items in delivery order.
 *
 * <p>The run of sequence numbers currently being missed (dropped here, or never delivered by the bus) is kept
 * apart, as {@code gapFrom} to {@code gapTo}, until the next event is queued behind it or the reader takes it:
 * every arrival either queues, which closes the run into a {@code MISSED} item ahead of it, or extends the run,
 * so a run is always contiguous and its count exact. Once a chunk was dropped, chunks are dropped until the
 * reader takes an item ({@code overflowing}): one overflow is one run. A {@code MISSED} item is only ever
 * queued right before an event, so there are never more of them than events held.
 *
 * <p>Changed on the observer's context only; the counters are readable from any thread.
 */
final class ObserverQueue {

  private final int maxEvents;
  private final long maxBytes;

  // Context thread only
  private final ArrayDeque<ObservedEvent> queue = new ArrayDeque<>();
  private long gapFrom = -1;
  private long gapTo = -1;
  private boolean overflowing;

  // Any thread: written on the context thread only
  private volatile int heldEvents;
  private volatile long heldBytes;
  private volatile long dropped;
  private volatile int peakEvents;
  private volatile long peakBytes;

  /** At most {@code maxEvents} events (plus the lifecycle reserve) and {@code maxBytes} of chunk data. */
  ObserverQueue(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Whether nothing is held, not even a run being missed. */
  boolean isEmpty() {
    return queue.isEmpty() && gapFrom < 0;
  }

  /** Holds {@code event}, or drops it (counted, and missed) when it does not fit. */
  void offer(ObservedEvent event) {
    if (fits(event)) {
      enqueue(event);
    } else {
      dropped++;
      overflowing = true;
      miss(event.seq(), event.seq());
    }
  }

  /**
   * Other events fit within the event bound plus the reserve. Chunks fit within both bounds, and not while
   * overflowing: once one was dropped, chunks are dropped until the reader takes an item, so that a smaller
   * chunk squeezing into the room left cannot cut an overflow into many MISSED runs with stray bytes between.
   */
  private boolean fits(ObservedEvent event) {
    if (event.data() == null) {
      return heldEvents < maxEvents + ProcessObserver.LIFECYCLE_RESERVE;
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
  void miss(long from, long to) {
    if (gapFrom < 0) {
      gapFrom = from;
    } else {
      assert gapTo == from - 1 : "missed run " + gapFrom + ".." + gapTo + " extended by " + from + ".." + to;
    }
    gapTo = to;
  }

  /** The reader takes the next item (the run being missed after the queue), or {@code null} if none is held. */
  ObservedEvent poll() {
    ObservedEvent next = queue.poll();
    if (next == null) {
      if (gapFrom < 0) {
        return null;
      }
      next = ObservedEvent.missed(gapFrom, gapTo);
      gapFrom = -1;
    } else if (!next.isMissed()) {
      heldEvents = heldEvents - 1;
      heldBytes = heldBytes - size(next);
    }
    overflowing = false; // the reader made room
    return next;
  }

  /** Discards everything held. */
  void clear() {
    queue.clear();
    gapFrom = -1;
    overflowing = false;
    heldEvents = 0;
    heldBytes = 0;
  }

  private static int size(ObservedEvent event) {
    return event.data() != null ? event.data().length() : 0;
  }

  int heldEvents() {
    return heldEvents;
  }

  long heldBytes() {
    return heldBytes;
  }

  long dropped() {
    return dropped;
  }

  int peakEvents() {
    return peakEvents;
  }

  long peakBytes() {
    return peakBytes;
  }
}
