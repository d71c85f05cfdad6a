package io.procbus.client;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.processFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.testing.Await;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Observers with real children on a real bus: an observer that keeps up sees the owner's exact bytes; a
 * paused one never slows the owner, never holds more than its bounds, and then learns exactly what it
 * dropped; a late one learns what was published before it came.
 *
 * <p>The children wait for their stdin to close ({@code read go}) before writing, so an observer subscribes
 * before the first byte; closing stdin publishes {@code stdin-closed} before any chunk (the engine publishes it
 * in the task that closes the pipe), so the chunks form one run.
 */
class ProcessObserverTest {

  private static final int MIB = 1 << 20;

  private static Vertx vertx;
  private static ProcessClient owner;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    assertTrue(vertx.isNativeTransportEnabled());
    await(vertx.deployVerticle(new ProcessVerticle()));
    owner = ProcessClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  /** An observer reading everything as it comes gets every event from seq 0, no MISSED, and the same bytes. */
  @Test
  @Timeout(30)
  void anObserverThatReadsEverythingSeesTheOwnersExactBytes() throws Exception {
    ChildProcess child = await(owner.exec(List.of("sh", "-c", "read go; exec head -c " + MIB + " /dev/urandom"),
      stdinStdoutPipes()));
    Context ctx = vertx.getOrCreateContext();
    ProcessObserver observer = observeOn(ctx, owner, info(child).getEventAddress());
    Recorder seen = new Recorder(ctx).attach(observer);

    CommunicateResult result = await(child.communicate()); // closes stdin: the child starts writing
    await(seen.ended.future());

    assertEquals(0, result.returnCode());
    assertEquals(MIB, result.stdout().length());
    assertEquals(List.of(), seen.missed());
    assertEquals(result.stdout(), seen.stdout(), "the observer's bytes differ from the owner's");
    assertSeqCoversFromZero(seen.items());
    List<EventType> types = seen.types();
    assertEquals(EventType.STDIN_CLOSED, types.get(0), seen.items().toString());
    assertEquals(List.of(EventType.EOF, EventType.EXIT, EventType.CLOSED),
      types.subList(types.size() - 3, types.size()));
    assertEquals(0, observer.droppedEvents());
    assertEquals(0, observer.bufferedEvents());
    seen.assertClean();
  }

  /**
   * Issue 10, point 6 (two paused observers halved the owner's throughput): Vert.x's {@code Buffer} codec
   * copied each chunk once per subscriber, on the service's thread. Now every subscriber on the service's node
   * (the owner, two observers, a plain bus consumer) reads the very array the engine read the bytes into, and
   * every write to a chunk throws, even those that would move a Vert.x buffer to storage of its own: none can
   * change what another reads.
   */
  @Test
  @Timeout(30)
  void issue10OwnerAndObserversShareEachChunkReadOnlyInsteadOfACopyEach() throws Exception {
    ChildProcess child = await(owner.exec(List.of("sh", "-c", "read go; exec head -c " + MIB + " /dev/urandom"),
      stdinStdoutPipes()));
    String address = info(child).getEventAddress();
    Context ctx = vertx.getOrCreateContext();
    Recorder first = new Recorder(ctx).attach(observeOn(ctx, owner, address));
    Recorder second = new Recorder(ctx).attach(observeOn(ctx, owner, address));
    List<Buffer> ownerChunks = Collections.synchronizedList(new ArrayList<>());
    Promise<Buffer> rawChunk = Promise.promise();
    MessageConsumer<Object> raw = vertx.eventBus().consumer(address, m -> {
      if (EventType.STDOUT.wire().equals(m.headers().get(Headers.TYPE))) {
        rawChunk.tryComplete((Buffer) m.body());
      }
    });
    await(raw.completion());
    Promise<Void> ownerEnd = Promise.promise();
    child.stdout().endHandler(v -> ownerEnd.complete()).handler(ownerChunks::add);

    await(child.stdin().end()); // the child starts writing
    await(ownerEnd.future());
    await(first.ended.future());
    await(second.ended.future());
    await(raw.unregister());

    Buffer ownerBytes = Buffer.buffer();
    Set<byte[]> ownerStorage = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Buffer chunk : List.copyOf(ownerChunks)) {
      ownerBytes.appendBuffer(chunk);
      ownerStorage.add(storage(chunk));
    }
    assertEquals(MIB, ownerBytes.length());
    assertEquals(ownerBytes, first.stdout());
    assertEquals(ownerBytes, second.stdout());
    List<Buffer> firstChunks = chunks(first);
    List<Buffer> secondChunks = chunks(second);
    for (Buffer chunk : firstChunks) {
      assertTrue(ownerStorage.contains(storage(chunk)), "an observer got a copy of the owner's chunk");
    }
    for (Buffer chunk : secondChunks) {
      assertTrue(ownerStorage.contains(storage(chunk)), "an observer got a copy of the owner's chunk");
    }

    // the body as the bus delivers it to any subscriber on the service's node: shared, and every write throws
    Buffer shared = await(rawChunk.future());
    assertTrue(ownerStorage.contains(storage(shared)), "a plain subscriber got a copy of the owner's chunk");
    int length = shared.length();
    Buffer original = shared.getBuffer(0, length);
    List<Runnable> writes = List.of(() -> shared.setByte(0, (byte) 1), () -> shared.setByte(length, (byte) 1),
      () -> shared.appendByte((byte) 1), () -> shared.appendString("more"), () -> shared.appendBuffer(original),
      () -> firstChunks.get(0).setByte(0, (byte) 1), () -> firstChunks.get(0).appendString("more"),
      () -> ownerChunks.get(0).setByte(0, (byte) 1), () -> ownerChunks.get(0).appendString("more"));
    for (Runnable write : writes) {
      assertThrows(ReadOnlyBufferException.class, write::run);
    }
    assertEquals(original, shared);
    assertEquals(ownerBytes, first.stdout());
    assertEquals(ownerBytes, second.stdout());
    assertEquals(ownerBytes.getBuffer(0, ownerChunks.get(0).length()), ownerChunks.get(0));
    first.assertClean();
    second.assertClean();
  }

  /** The chunks an observer delivered. */
  private static List<Buffer> chunks(Recorder seen) {
    return seen.items().stream().filter(i -> i.type() == EventType.STDOUT).map(ObservedEvent::data).toList();
  }

  /** The array that holds a chunk's bytes, under however many views of it. */
  private static byte[] storage(Buffer chunk) {
    ByteBuf b = ((BufferInternal) chunk).getByteBuf();
    while (!b.hasArray()) {
      b = b instanceof CompositeByteBuf c && c.numComponents() == 1 ? c.component(0) : b.unwrap();
      assertNotNull(b, "a chunk without an array under it");
    }
    return b.array();
  }

  /**
   * A paused observer does not slow the owner: the owner reads 20 MiB to EOF and gets the exit while the
   * observer has delivered nothing. The observer holds at most its bounds throughout (measured: its peak);
   * on resume it delivers what it held, then one MISSED item whose count is exactly the number of events it
   * dropped and whose range is exactly the chunks a subscriber that kept up saw there, then eof, exit,
   * closed. Run with the default bounds (the byte bound binds) and with 16 events (the event bound binds).
   */
  @ParameterizedTest
  @CsvSource({"1024, 4194304", "16, 4194304"})
  @Timeout(60)
  void aPausedObserverNeverSlowsTheOwnerAndThenGetsExactlyWhatItMissed(int maxEvents, long maxBytes) throws Exception {
    int total = 20 * MIB;
    ProcessClient watcher = ProcessClient.create(vertx, new ProcessClientOptions().setObserverMaxEvents(maxEvents)
      .setObserverMaxBytes(maxBytes));
    ChildProcess child = await(owner.exec(List.of("sh", "-c", "read go; exec head -c " + total + " /dev/zero"),
      stdinStdoutPipes()));
    String address = info(child).getEventAddress();

    // a plain subscriber that keeps up: what was published, by seq (sizes only)
    Map<Long, String> published = new ConcurrentHashMap<>();
    Map<Long, Integer> chunkSizes = new ConcurrentHashMap<>();
    Promise<Void> publishedClosed = Promise.promise();
    MessageConsumer<Object> reference = vertx.eventBus().consumer(address, m -> {
      long seq = Long.parseLong(m.headers().get(Headers.SEQ));
      published.put(seq, m.headers().get(Headers.TYPE));
      if (m.body() instanceof Buffer b) {
        chunkSizes.put(seq, b.length());
      }
      if (EventType.CLOSED.wire().equals(m.headers().get(Headers.TYPE))) {
        publishedClosed.tryComplete();
      }
    });
    await(reference.completion());

    Context ctx = vertx.getOrCreateContext();
    ProcessObserverImpl observer = (ProcessObserverImpl) observeOn(ctx, watcher, address);
    observer.pause();
    Recorder seen = new Recorder(ctx).attach(observer); // hopped after pause(): nothing flows

    CommunicateResult result = await(child.communicate());
    assertEquals(total, result.stdout().length());
    assertEquals(0, result.returnCode());
    assertEquals(List.of(), seen.items(), "delivered while paused");

    await(publishedClosed.future());
    Await.until(vertx, "the observer to receive closed", 10, 10_000, observer::closedArrived);
    assertEquals(List.of(), seen.items(), "delivered while paused");
    long dropped = observer.droppedEvents();
    assertTrue(dropped > 0, "nothing dropped");
    assertTrue(observer.peakBytes() <= maxBytes, "held " + observer.peakBytes() + " bytes, bound " + maxBytes);
    assertTrue(observer.peakEvents() <= maxEvents + ProcessObserver.LIFECYCLE_RESERVE,
      "held " + observer.peakEvents() + " events, bound " + maxEvents);
    assertTrue(observer.bufferedBytes() <= maxBytes);
    int heldBefore = observer.bufferedEvents();

    observer.resume();
    await(seen.ended.future());
    reference.unregister();

    List<ObservedEvent> missed = seen.missed();
    assertEquals(1, missed.size(), seen.items().toString());
    ObservedEvent gap = missed.get(0);
    assertEquals(dropped, gap.count(), "MISSED count vs events dropped");
    assertEquals(gap.toSeq() - gap.fromSeq() + 1, gap.count());
    assertSeqCoversFromZero(seen.items());
    assertEquals(published.size(), seen.items().size() - 1 + gap.count(), "published vs delivered + missed");
    assertEquals(heldBefore, seen.items().size() - 1);
    // MISSED sits right after the held events and covers only chunks; eof, exit, closed follow it, kept in
    // the reserve while the chunks around them were dropped
    int at = seen.items().indexOf(gap);
    assertEquals(List.of(EventType.EOF, EventType.EXIT, EventType.CLOSED),
      seen.types().subList(at + 1, seen.items().size()));
    long missedBytes = 0;
    for (long s = gap.fromSeq(); s <= gap.toSeq(); s++) {
      assertEquals(EventType.STDOUT.wire(), published.get(s), "missed seq " + s);
      missedBytes += chunkSizes.get(s);
    }
    long deliveredBytes = seen.stdout().length();
    assertEquals(total, deliveredBytes + missedBytes, "delivered + missed bytes");
    assertTrue(deliveredBytes <= maxBytes);
    assertEquals(0, observer.bufferedEvents());
    assertEquals(0, observer.bufferedBytes());
    seen.assertClean();
    await(watcher.close());
  }

  /** An observer that subscribes after output was published first gets MISSED from seq 0, then the rest. */
  @Test
  @Timeout(30)
  void anObserverAttachedLateFirstGetsMissedFromZero() throws Exception {
    ChildProcess child = await(owner.exec(List.of("sh", "-c", "echo early; read go; echo late"), stdinStdoutPipes()));
    assertEquals("early\n", await(child.stdout().readLine()).toString());
    Context ctx = vertx.getOrCreateContext();
    ProcessObserver observer = observeOn(ctx, owner, info(child).getEventAddress());
    Recorder seen = new Recorder(ctx).attach(observer);

    CommunicateResult result = await(child.communicate());
    await(seen.ended.future());

    assertEquals("late\n", result.stdout().toString());
    ObservedEvent first = seen.items().get(0);
    assertTrue(first.isMissed(), seen.items().toString());
    assertEquals(0, first.fromSeq());
    assertEquals(first.toSeq() + 1, first.count());
    assertEquals(first.toSeq() + 1, seen.items().get(1).seq());
    assertEquals(1, seen.missed().size(), seen.items().toString());
    assertSeqCoversFromZero(seen.items());
    assertEquals("late\n", seen.stdout().toString());
    assertEquals(EventType.CLOSED, seen.types().get(seen.items().size() - 1));
    assertEquals(0, observer.droppedEvents(), "missed upstream, not dropped here");
    seen.assertClean();
  }

  /**
   * A closed observer delivers nothing more and does not end; a closed client closes its observers and
   * refuses new ones with CLOSED. A second observer on the same context is the witness that the events came.
   */
  @Test
  @Timeout(30)
  void aClosedObserverDeliversNothingMore() throws Exception {
    ChildProcess child = await(owner.exec(List.of("sh", "-c", "read go; echo out"), stdinStdoutPipes()));
    String address = info(child).getEventAddress();
    Context ctx = vertx.getOrCreateContext();
    ProcessClient other = ProcessClient.create(vertx);
    Recorder closedOne = new Recorder(ctx).attach(observeOn(ctx, owner, address));
    ProcessObserver byClient = observeOn(ctx, other, address);
    Recorder closedByClient = new Recorder(ctx).attach(byClient);
    Recorder witness = new Recorder(ctx).attach(observeOn(ctx, owner, address));
    await(closedOne.observer.close());
    await(other.close());
    assertEquals(ErrorCode.CLOSED, processFailure(() -> other.observe(address)).code());

    assertEquals("out\n", await(child.communicate()).stdout().toString());
    await(witness.ended.future());
    await(runOn(ctx)); // whatever the bus queued for the closed ones on this context has run

    assertEquals(List.of(), closedOne.items());
    assertEquals(List.of(), closedByClient.items());
    assertFalse(closedOne.ended.future().isComplete());
    assertFalse(closedByClient.ended.future().isComplete());
    assertEquals(0, byClient.bufferedEvents());
    assertEquals("out\n", witness.stdout().toString());
    await(closedOne.observer.close()); // idempotent
    witness.assertClean();
  }

  /**
   * An event with a seq below the next one expected (here forged, after a forged jump ahead) is discarded and
   * reported to the exception handler with EVENTS_LOST; the jump itself is a MISSED run.
   */
  @Test
  @Timeout(30)
  void anEventBehindTheSequenceIsReportedWithEventsLost() throws Exception {
    // An address no process publishes on: the forged events come from this one sender, so the bus keeps
    // their order (a real process would be a second sender, racing them).
    String address = new Addresses(Addresses.DEFAULT_PREFIX).process("forged-" + UUID.randomUUID());
    Context ctx = vertx.getOrCreateContext();
    Recorder seen = new Recorder(ctx).attach(observeOn(ctx, owner, address));

    forgeChunk(address, 1000, "ahead");
    forgeChunk(address, 1, "behind");
    Await.until(vertx, "the event behind to be reported", 10, 10_000, () -> seen.failures.size() >= 1);

    List<ObservedEvent> items = seen.items();
    assertEquals(2, items.size(), items.toString());
    assertTrue(items.get(0).isMissed());
    assertEquals(0, items.get(0).fromSeq());
    assertEquals(999, items.get(0).toSeq());
    assertEquals(1000, items.get(0).count());
    assertEquals(1000, items.get(1).seq());
    assertEquals("ahead", items.get(1).data().toString());
    synchronized (seen.failures) {
      for (Throwable t : seen.failures) {
        assertEquals(ErrorCode.EVENTS_LOST, ((ProcessException) t).code(), t.toString());
      }
    }
    assertEquals(List.of(), seen.problems);
    await(seen.observer.close());
  }

  // --- helpers

  private static void forgeChunk(String address, long seq, String data) {
    vertx.eventBus().publish(address, Buffer.buffer(data), new DeliveryOptions()
      .addHeader(Headers.TYPE, EventType.STDOUT.wire()).addHeader(Headers.SEQ, Long.toString(seq)));
  }

  private static ProcessOptions stdinStdoutPipes() {
    return new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe()).setStderr(Stdio.devNull());
  }

  private static ProcessInfo info(ChildProcess child) throws Exception {
    return await(owner.service().list()).stream().filter(i -> i.getPid() == child.pid()).findFirst().orElseThrow();
  }

  /** Observes from {@code ctx}, so that the observer's handlers run there. */
  private static ProcessObserver observeOn(Context ctx, ProcessClient client, String address) throws Exception {
    Promise<ProcessObserver> p = Promise.promise();
    ctx.runOnContext(v -> client.observe(address).onComplete(p));
    return await(p.future());
  }

  private static Future<Void> runOn(Context ctx) {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(v -> p.complete());
    return p.future();
  }

  /** Each item is an event in seq order or a MISSED run starting where the previous item stopped, from 0. */
  private static void assertSeqCoversFromZero(List<ObservedEvent> items) {
    long next = 0;
    for (ObservedEvent item : items) {
      if (item.isMissed()) {
        assertEquals(next, item.fromSeq(), items.toString());
        assertTrue(item.toSeq() >= item.fromSeq(), items.toString());
        next = item.toSeq() + 1;
      } else {
        assertEquals(next, item.seq(), items.toString());
        next++;
      }
    }
  }

  /** What an observer delivered, checking that every callback runs on the expected context. */
  private static final class Recorder {
    final Context expected;
    final List<ObservedEvent> items = Collections.synchronizedList(new ArrayList<>());
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    final Promise<Void> ended = Promise.promise();
    ProcessObserver observer;

    Recorder(Context expected) {
      this.expected = expected;
    }

    Recorder attach(ProcessObserver observer) {
      this.observer = observer;
      observer.exceptionHandler(t -> {
        checkContext("exception " + t);
        failures.add(t);
      });
      observer.endHandler(v -> {
        checkContext("end");
        if (!ended.tryComplete()) {
          problems.add("ended twice");
        }
      });
      observer.handler(item -> {
        checkContext("item " + item);
        if (ended.future().isComplete()) {
          problems.add("item after the end: " + item);
        }
        items.add(item);
      });
      return this;
    }

    private void checkContext(String what) {
      if (Vertx.currentContext() != expected) {
        problems.add(what + " on " + Vertx.currentContext() + ", not " + expected);
      }
    }

    List<ObservedEvent> items() {
      synchronized (items) {
        return new ArrayList<>(items);
      }
    }

    List<ObservedEvent> missed() {
      return items().stream().filter(ObservedEvent::isMissed).toList();
    }

    List<EventType> types() {
      return items().stream().map(ObservedEvent::type).toList();
    }

    Buffer stdout() {
      Buffer all = Buffer.buffer();
      for (ObservedEvent item : items()) {
        if (item.type() == EventType.STDOUT) {
          all.appendBuffer(item.data());
        }
      }
      return all;
    }

    void assertClean() {
      assertEquals(List.of(), problems);
      assertEquals(List.of(), failures);
    }
  }
}
