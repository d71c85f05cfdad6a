package io.procbus.client;

import io.procbus.protocol.EventType;
import io.procbus.streams.Chunks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One item of a {@link ProcessObserver}: an event of the process as published ({@link Kind#EVENT}), or a run
 * of events this observer will never see ({@link Kind#MISSED}).
 *
 * <p>An {@code EVENT} has its {@link #type()} and {@link #seq()}; a chunk ({@code stdout}, {@code stderr}) its
 * bytes in {@link #data()}, any other event its JSON {@link #body()} (the fields of {@code EventFields}).
 * A {@code MISSED} item is made by the client, never published: it covers the sequence numbers
 * {@link #fromSeq()} to {@link #toSeq()} inclusive, {@link #count()} events, that the observer dropped for
 * lack of room or that never reached it. The buffer and body belong to the receiver.
 */
public final class ObservedEvent {

  /** Whether an item is an event of the process or a report of events missed. */
  public enum Kind {
    /** An event as the process published it. */
    EVENT,
    /** Events this observer will not see: {@link #fromSeq()} to {@link #toSeq()}, synthesized client-side. */
    MISSED
  }

  private final Kind kind;
  private final EventType type;
  private final long seq;
  private final Buffer data;
  private final JsonObject body;
  private final long fromSeq;
  private final long toSeq;

  private ObservedEvent(Kind kind, EventType type, long seq, Buffer data, JsonObject body, long fromSeq, long toSeq) {
    this.kind = kind;
    this.type = type;
    this.seq = seq;
    this.data = data;
    this.body = body;
    this.fromSeq = fromSeq;
    this.toSeq = toSeq;
  }

  /** A chunk event ({@code data} set) or another event ({@code body} set). */
  static ObservedEvent event(EventType type, long seq, Buffer data, JsonObject body) {
    return new ObservedEvent(Kind.EVENT, type, seq, data, body, -1, -1);
  }

  /** The events {@code fromSeq} to {@code toSeq}, inclusive, are missed. */
  static ObservedEvent missed(long fromSeq, long toSeq) {
    return new ObservedEvent(Kind.MISSED, null, -1, null, null, fromSeq, toSeq);
  }

  /**
   * The event a bus message carries: its {@code type} header and {@code seq}, a non-empty chunk (as a read-only
   * view: its bytes are shared, see {@code Chunks}) or a JSON body; {@code null} when malformed.
   */
  static ObservedEvent decode(String typeHeader, long seq, Object body) {
    EventType type = EventType.of(typeHeader);
    if (type == null) {
      return null;
    }
    if (type == EventType.STDOUT || type == EventType.STDERR) {
      return body instanceof Buffer data && data.length() > 0
        ? event(type, seq, Chunks.readOnlyView(data), null)
        : null;
    }
    return body instanceof JsonObject json ? event(type, seq, null, json) : null;
  }

  /** {@link Kind#EVENT} or {@link Kind#MISSED}. */
  public Kind kind() {
    return kind;
  }

  /** Whether this item reports missed events. */
  public boolean isMissed() {
    return kind == Kind.MISSED;
  }

  /** The event's type; {@code null} for {@code MISSED}. */
  public EventType type() {
    return type;
  }

  /** The event's sequence number in its process; -1 for {@code MISSED}, which has none of its own. */
  public long seq() {
    return seq;
  }

  /**
   * A chunk's bytes ({@code stdout}, {@code stderr}), never empty; otherwise {@code null}. Read-only: the owner
   * and the other observers share them (see {@link ProcessClient}).
   */
  public Buffer data() {
    return data;
  }

  /** The JSON body of any other event ({@code eof}, {@code exit}…); {@code null} for a chunk and {@code MISSED}. */
  public JsonObject body() {
    return body;
  }

  /** {@code MISSED}: the first sequence number missed; -1 for an event. */
  public long fromSeq() {
    return fromSeq;
  }

  /** {@code MISSED}: the last sequence number missed (inclusive); -1 for an event. */
  public long toSeq() {
    return toSeq;
  }

  /** {@code MISSED}: how many events were missed, {@code toSeq - fromSeq + 1}; 0 for an event. */
  public long count() {
    return kind == Kind.MISSED ? toSeq - fromSeq + 1 : 0;
  }

  @Override
  public String toString() {
    if (kind == Kind.MISSED) {
      return "missed[" + fromSeq + ".." + toSeq + "]";
    }
    return seq + ":" + type.wire() + (data != null ? "(" + data.length() + " bytes)" : body);
  }
}
