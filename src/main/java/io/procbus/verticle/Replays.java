package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.Replay;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * The {@code replay} command's side of the service: answers from a process's {@link EventRing}, and keeps the
 * rings of at most {@link ReplayBounds#maxClosed()} closed processes (the one closed longest ago gives its
 * events up first; a closed process leaves the table after {@code retainClosedMillis} anyway). Context thread
 * only.
 */
final class Replays {

  private final int maxClosed;
  private final ArrayDeque<ManagedProcess> closed = new ArrayDeque<>();

  Replays(ReplayBounds bounds) {
    this.maxClosed = bounds.maxClosed();
  }

  /** {@code p} closed: its events stay kept unless more than {@code maxClosed} closed processes keep theirs. */
  void closed(ManagedProcess p) {
    closed.add(p);
    while (closed.size() > maxClosed) {
      closed.poll().ring().release();
    }
  }

  /**
   * The reply to {@code replay(id, fromSeq)}: the kept events of {@code p} from {@code fromSeq}, a {@code missed}
   * range for those asked for and no longer kept, and {@code nextSeq}, where the live events start, which
   * {@code p} publishes on its address from now on (a process whose owner named its own event address
   * publishes only once watched).
   */
  static JsonObject reply(ManagedProcess p, long fromSeq) {
    if (fromSeq < 0) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "fromSeq must be 0 or more");
    }
    p.watch();
    EventRing ring = p.ring();
    JsonObject reply = new JsonObject().put(Replay.ID, p.id).put(Replay.NEXT_SEQ, ring.nextSeq());
    long first = Math.min(ring.firstSeq(), ring.nextSeq());
    if (fromSeq < first) {
      reply.put(Replay.MISSED, new JsonObject().put(Replay.FROM_SEQ, fromSeq).put(Replay.TO_SEQ, first - 1)
        .put(Replay.COUNT, first - fromSeq));
    }
    JsonArray events = new JsonArray();
    for (EventRing.Entry e : ring.from(fromSeq)) {
      events.add(new JsonObject().put(Replay.TYPE, e.type().wire()).put(Replay.SEQ, e.seq())
        .put(Replay.BODY, body(e)));
    }
    return reply.put(Replay.EVENTS, events).put(Replay.RETAINED_BYTES, ring.bytes())
      .put(Replay.RETAINED_EVENTS, ring.size());
  }

  /** A JSON event's body as published; a chunk's in the bridge form. */
  private static Object body(EventRing.Entry e) {
    if (e.body() instanceof Buffer chunk) {
      return new JsonObject()
        .put(EventFields.STREAM, e.type().wire())
        .put(EventFields.SEQ, e.seq())
        .put(EventFields.DATA, EventFields.data(chunk));
    }
    return e.body();
  }
}
