package io.procbus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.protocol.EventType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ObserverQueueTest {

  private static ObservedEvent chunk(long seq, int bytes) {
    return ObservedEvent.event(EventType.STDOUT, seq, Buffer.buffer(new byte[bytes]), null);
  }

  @Test
  void overflowIsOneMissedRunAheadOfTheNextEventHeld() {
    ObserverQueue queue = new ObserverQueue(2, 1_000);
    queue.offer(chunk(0, 10));
    queue.offer(chunk(1, 10));
    queue.offer(chunk(2, 10)); // full: dropped
    queue.offer(chunk(3, 1)); // still overflowing: dropped, same run
    queue.offer(ObservedEvent.event(EventType.EXIT, 4, null, new JsonObject())); // the reserve holds it
    assertEquals(2, queue.dropped());
    assertEquals(3, queue.heldEvents());
    assertEquals(20, queue.heldBytes());
    assertEquals(0, queue.poll().seq());
    assertEquals(1, queue.poll().seq());
    ObservedEvent missed = queue.poll();
    assertTrue(missed.isMissed());
    assertEquals(2, missed.fromSeq());
    assertEquals(3, missed.toSeq());
    assertEquals(EventType.EXIT, queue.poll().type());
    assertNull(queue.poll());
    assertTrue(queue.isEmpty());
    assertEquals(3, queue.peakEvents());
    assertEquals(20, queue.peakBytes());
  }

  @Test
  void aRunStillBeingMissedIsDeliveredLast() {
    ObserverQueue queue = new ObserverQueue(8, 1_000);
    queue.miss(0, 4);
    ObservedEvent missed = queue.poll();
    assertEquals(5, missed.count());
    assertNull(queue.poll());
  }

  @Test
  void byteBoundDropsChunksAndClearForgetsEverything() {
    ObserverQueue queue = new ObserverQueue(8, 15);
    queue.offer(chunk(0, 10));
    queue.offer(chunk(1, 10));
    assertEquals(1, queue.dropped());
    assertEquals(10, queue.heldBytes());
    queue.clear();
    assertTrue(queue.isEmpty());
    assertEquals(0, queue.heldEvents());
    assertEquals(0, queue.heldBytes());
    assertNull(queue.poll());
  }
}
