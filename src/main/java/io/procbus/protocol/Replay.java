package io.procbus.protocol;

/**
 * Fields of the reply to {@code replay} (see {@code docs/protocol.md}, section replay): the kept events of a
 * process from a sequence number, what fell out of the service's bound before them, and the sequence number of
 * the first event a subscriber gets live instead.
 */
public final class Replay {

  /** The process id. */
  public static final String ID = "id";
  /** The sequence number of the next event published: the live events start there. */
  public static final String NEXT_SEQ = "nextSeq";
  /** The events kept, from the one asked for, in order: each an object of {@link #TYPE}, {@link #SEQ}, {@link #BODY}. */
  public static final String EVENTS = "events";
  /** An event's type, as the {@code type} header. */
  public static final String TYPE = "type";
  /** An event's sequence number, a number. */
  public static final String SEQ = "seq";
  /** An event's body: a JSON event's own body; a chunk's bridge form ({@code stream}, {@code seq}, {@code data}). */
  public static final String BODY = "body";
  /** Absent, or the events asked for that are no longer kept: {@link #FROM_SEQ}, {@link #TO_SEQ}, {@link #COUNT}. */
  public static final String MISSED = "missed";
  /** {@link #MISSED}: the first sequence number missed. */
  public static final String FROM_SEQ = "fromSeq";
  /** {@link #MISSED}: the last sequence number missed, inclusive. */
  public static final String TO_SEQ = "toSeq";
  /** {@link #MISSED}: how many events were missed. */
  public static final String COUNT = "count";
  /** Bytes of chunk data the service keeps for the process now (at most {@code limits.replayMaxBytes}). */
  public static final String RETAINED_BYTES = "retainedBytes";
  /** Events the service keeps for the process now (at most {@code limits.replayMaxEvents}). */
  public static final String RETAINED_EVENTS = "retainedEvents";

  private Replay() {
  }
}
