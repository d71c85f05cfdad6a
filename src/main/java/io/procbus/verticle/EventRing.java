package io.procbus.verticle;

import io.procbus.protocol.EventType;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent events of one process as published, kept for {@code replay}: a contiguous run of sequence numbers
 * ending with the last one published, within a bound on events and on bytes of chunk data (the oldest go
 * first; a chunk larger than the whole bound is not kept, and so nothing before it). Chunks are the published
 * read-only buffers themselves, never copied. Context thread only.
 */
final class EventRing {

  /** One kept event: as published, with the chunk bytes it counts for. */
  record Entry(long seq, EventType type, Object body, int bytes) {
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final int maxBytes;
  private final int maxEvents;
  private long bytes;
  private long peakBytes;
  private long nextSeq;
  private boolean released;

  EventRing(ReplayBounds bounds) {
    this.maxBytes = bounds.maxBytes();
    this.maxEvents = bounds.maxEvents();
  }

  /** An event was published with {@code seq} (one more than the previous one). */
  void record(long seq, EventType type, Object body) {
    nextSeq = seq + 1;
    if (released) {
      return;
    }
    int size = body instanceof Buffer b ? b.length() : 0;
    if (size > maxBytes || maxEvents == 0) {
      clear();
      return;
    }
    while (!entries.isEmpty() && (entries.size() >= maxEvents || bytes + size > maxBytes)) {
      bytes -= entries.poll().bytes();
    }
    entries.add(new Entry(seq, type, body, size));
    bytes += size;
    peakBytes = Math.max(peakBytes, bytes);
  }

  /** Drops everything kept, and keeps nothing from now on. */
  void release() {
    released = true;
    clear();
  }

  private void clear() {
    entries.clear();
    bytes = 0;
  }

  /** The first sequence number kept; {@link #nextSeq()} when nothing is. */
  long firstSeq() {
    return entries.isEmpty() ? nextSeq : entries.peekFirst().seq();
  }

  /** The sequence number of the next event to be published. */
  long nextSeq() {
    return nextSeq;
  }

  /** The kept events from {@code fromSeq} on, in order. */
  List<Entry> from(long fromSeq) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.seq() >= fromSeq) {
        out.add(e);
      }
    }
    return out;
  }

  /** Bytes of chunk data kept now. */
  long bytes() {
    return bytes;
  }

  /** The most bytes of chunk data ever kept at once. */
  long peakBytes() {
    return peakBytes;
  }

  /** Events kept now. */
  int size() {
    return entries.size();
  }
}
