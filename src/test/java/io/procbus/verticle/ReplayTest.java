package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessInfo;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.protocol.Replay;
import io.procbus.testing.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Output replay (issue 15, part 3) through the bus with real children: a subscriber that joins late gets the
 * kept events then the live ones, each once and in order, or a {@code missed} range naming exactly what fell out
 * of the ring; the ring stays within its bounds under a flood; a closed process's events are kept for a while.
 */
class ReplayTest {

  private static final int SMALL_BYTES = 100_000;
  private static final int SMALL_EVENTS = 8;

  private static Vertx vertx;
  /** Default bounds. */
  private static ProcessVerticle roomy;
  /** Small bounds. */
  private static ProcessVerticle small;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    roomy = new ProcessVerticle();
    await(vertx.deployVerticle(roomy, new DeploymentOptions().setConfig(new JsonObject().put("prefix", "roomy"))));
    small = new ProcessVerticle();
    await(vertx.deployVerticle(small, new DeploymentOptions().setConfig(new JsonObject().put("prefix", "small")
      .put("limits", new JsonObject().put("replayMaxBytes", SMALL_BYTES).put("replayMaxEvents", SMALL_EVENTS)))));
    // one closed process kept
    await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("prefix", "brief").put("limits", new JsonObject().put("replayMaxClosed", 1)))));
    // closed processes forgotten after 200 ms
    await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("prefix", "fleeting").put("limits", new JsonObject().put("retainClosedMillis", 200)))));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  /**
   * Subscribers join a {@code cat} before any output, mid-stream, after its exit and after {@code closed}: each
   * gets, from replay then live, exactly the owner's events, each once, in order, bytes exact.
   */
  @Test
  @Timeout(60)
  void lateSubscribersGetEveryEventOnceWhereverTheyJoin() throws Exception {
    Owner cat = Owner.spawn("roomy", List.of("cat"), 1 << 20);
    List<Late> late = new ArrayList<>();
    late.add(Late.join(cat.info, 0)); // before any output
    await(cat.write("one\n"));
    cat.awaitType(EventType.STDOUT);
    late.add(Late.join(cat.info, 0)); // mid-stream
    late.add(Late.join(cat.info, 1)); // mid-stream, from the second event on
    await(cat.write("two\n"));
    await(cat.command("closeStdin", new JsonObject()));
    cat.awaitType(EventType.EXIT);
    late.add(Late.join(cat.info, 0)); // after exit
    await(cat.closed.future());
    Late afterClosed = Late.join(cat.info, 0);
    late.add(afterClosed);
    assertTrue(afterClosed.reply.getJsonArray(Replay.EVENTS).size() == cat.events.size(), afterClosed.reply
      .encode());
    for (Late l : late) {
      await(l.closed.future());
      assertEquals(cat.events.subList((int) l.fromSeq, cat.events.size()), l.merged(), "joined " + l.reply);
      assertNull(l.reply.getValue(Replay.MISSED));
      l.consumer.unregister();
    }
    assertEquals("one\ntwo\n", cat.stdout().toString());
  }

  /**
   * {@code seq 1 200000} (1.3 MB) through a ring of 100,000 bytes and 8 events: replay after {@code closed} names
   * the dropped run exactly (from 0 to the first event kept) and gives the rest byte-exact; the kept bytes
   * never exceeded the bound.
   */
  @Test
  @Timeout(60)
  void anOverflowedRingNamesExactlyWhatItDroppedThenGivesTheRestByteExact() throws Exception {
    Owner seq = Owner.spawn("small", List.of("seq", "1", "200000"), 1 << 24);
    await(seq.closed.future());
    JsonObject reply = Late.replay(seq.info, 0);
    JsonObject missed = reply.getJsonObject(Replay.MISSED);
    JsonArray events = reply.getJsonArray(Replay.EVENTS);
    long first = events.getJsonObject(0).getLong(Replay.SEQ);
    assertTrue(first > 0, reply.encode());
    assertEquals(new JsonObject().put(Replay.FROM_SEQ, 0L).put(Replay.TO_SEQ, first - 1).put(Replay.COUNT, first),
      missed);
    assertEquals(seq.events.size(), reply.getLong(Replay.NEXT_SEQ));
    assertEquals(seq.events.subList((int) first, seq.events.size()), Late.texts(events));
    assertTrue(events.size() <= SMALL_EVENTS, reply.encode());
    assertTrue(reply.getLong(Replay.RETAINED_BYTES) <= SMALL_BYTES, reply.encode());
    assertEquals(Buffer.buffer(numbers(200_000)), seq.stdout());
    // from a sequence number inside what is kept: nothing missed
    JsonObject tail = Late.replay(seq.info, first + 1);
    assertNull(tail.getValue(Replay.MISSED));
    assertEquals(seq.events.subList((int) first + 1, seq.events.size()), Late.texts(tail.getJsonArray(Replay.EVENTS)));
    // a negative fromSeq is refused
    assertEquals(ErrorCode.INVALID_ARGUMENT.code(), Await.replyFailure(Late.request(seq.info, -1)).failureCode());
  }

  /**
   * Ten {@code yes} children flood their owners, each read to 2 MiB: no ring ever kept more than its bound of
   * chunk bytes (its high-water mark), and a replay says what is kept now, within the bound.
   */
  @Test
  @Timeout(120)
  void tenYesFloodsKeepEachRingWithinItsBound() throws Exception {
    List<Owner> floods = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      floods.add(Owner.spawn("small", List.of("yes", "replay"), 256 << 10, false));
    }
    for (Owner yes : floods) {
      Await.until(vertx, "2 MiB of yes", 10, 60_000, () -> yes.stdoutBytes >= 2 << 20);
      long peak = await(small.inspect(s -> s.process(yes.info.getId()).ring().peakBytes()));
      assertTrue(peak > 0 && peak <= SMALL_BYTES, "kept at most " + peak);
      JsonObject reply = Late.replay(yes.info, 0);
      assertTrue(reply.getLong(Replay.RETAINED_BYTES) <= SMALL_BYTES, reply.encode());
      assertTrue(reply.getJsonObject(Replay.MISSED).getLong(Replay.COUNT) > 0, reply.encode());
    }
    for (Owner yes : floods) {
      await(yes.command("closeProcess", new JsonObject()));
      await(yes.closed.future());
    }
  }

  /**
   * With one closed process kept, a second one's close drops the first one's events (replay then says all
   * were missed); and {@code retainClosedMillis} after its close a process is unknown.
   */
  @Test
  @Timeout(60)
  void closedProcessesAreKeptWithinTheirCountAndForTheirTime() throws Exception {
    Owner a = Owner.spawn("brief", List.of("echo", "a"), 1 << 20);
    await(a.closed.future());
    assertEquals(a.events, Late.texts(Late.replay(a.info, 0).getJsonArray(Replay.EVENTS)));
    Owner b = Owner.spawn("brief", List.of("echo", "b"), 1 << 20);
    await(b.closed.future());
    JsonObject gone = Late.replay(a.info, 0);
    assertEquals(List.of(), gone.getJsonArray(Replay.EVENTS).getList());
    assertEquals(a.events.size(), gone.getJsonObject(Replay.MISSED).getLong(Replay.COUNT));
    assertEquals(a.events.size(), gone.getLong(Replay.NEXT_SEQ));
    assertEquals(b.events, Late.texts(Late.replay(b.info, 0).getJsonArray(Replay.EVENTS)));
    Owner c = Owner.spawn("fleeting", List.of("echo", "c"), 1 << 20);
    await(c.closed.future());
    Await.until(vertx, "c to be forgotten", 20, 10_000, () -> await(Late.request(c.info, 0)
      .transform(ar -> Future.succeededFuture(ar.failed()))));
    assertEquals(ErrorCode.UNKNOWN_PROCESS.code(), Await.replyFailure(Late.request(c.info, 0)).failureCode());
  }

  private static String numbers(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(i).append('\n');
    }
    return sb.toString();
  }

  /** An event as text: {@code seq:type:} and the chunk's bytes or the JSON body. */
  private static String text(long seq, String type, Object body) {
    return seq + ":" + type + ":" + (body instanceof Buffer b ? b.toString() : String.valueOf(body));
  }

  /** A raw owner: spawns through the bus, subscribes, then attaches and keeps granting what it read. */
  private static final class Owner {
    final ProcessInfo info;
    final List<String> events = new ArrayList<>();
    final Map<String, Promise<Void>> seen = new TreeMap<>();
    final Promise<Void> closed = Promise.promise();
    final Buffer stdout = Buffer.buffer();
    volatile long stdoutBytes;
    /** Whether it keeps what it gets (a flood's owner does not). */
    private final boolean record;

    private Owner(ProcessInfo info, boolean record) {
      this.info = info;
      this.record = record;
    }

    static Owner spawn(String prefix, List<String> argv, long credit) throws Exception {
      return spawn(prefix, argv, credit, true);
    }

    static Owner spawn(String prefix, List<String> argv, long credit, boolean record) throws Exception {
      JsonObject request = new JsonObject().put("command", argv).put("owner", "owner-" + prefix);
      ProcessInfo info = new ProcessInfo(await(vertx.eventBus().<JsonObject>request(new Addresses(prefix).service(),
        new JsonObject().put("request", request), new DeliveryOptions().addHeader(Headers.ACTION, "spawn"))).body());
      Owner o = new Owner(info, record);
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
        String type = m.headers().get(Headers.TYPE);
        long seq = Long.parseLong(m.headers().get(Headers.SEQ));
        synchronized (o) {
          if (o.record) {
            if (m.body() instanceof Buffer b) {
              o.stdout.appendBuffer(b);
            }
            o.events.add(text(seq, type, m.body()));
          }
          o.seen.computeIfAbsent(type, t -> Promise.promise()).tryComplete();
        }
        if (m.body() instanceof Buffer b) {
          o.stdoutBytes += b.length();
          o.grant(b.length()); // keep the credit where it was: the child is paced by nothing but the pipe
        }
        if (EventType.CLOSED.wire().equals(type)) {
          o.closed.tryComplete();
        }
      });
      await(consumer.completion());
      o.grant(credit);
      return o;
    }

    void grant(long n) {
      vertx.eventBus().send(info.getControlAddress(), new JsonObject().put(Control.ID, info.getId())
        .put(Control.OWNER, info.getOwner()).put(Control.STDOUT, n).put(Control.STDERR, n));
    }

    void awaitType(EventType type) throws Exception {
      Promise<Void> p;
      synchronized (this) {
        p = seen.computeIfAbsent(type.wire(), t -> Promise.promise());
      }
      await(p.future());
    }

    Future<Object> write(String s) {
      return command("writeStdin", new JsonObject().put("data", Buffer.buffer(s)));
    }

    Future<Object> command(String action, JsonObject body) {
      return vertx.eventBus().<Object>request(info.getServiceAddress(), body.put("id", info.getId())
        .put("owner", info.getOwner()), new DeliveryOptions().addHeader(Headers.ACTION, action)).map(m -> m.body());
    }

    synchronized Buffer stdout() {
      return stdout.copy();
    }
  }

  /** A late subscriber: subscribes, then asks for the replay from {@code fromSeq}. */
  private static final class Late {
    final long fromSeq;
    final List<String> live = new ArrayList<>();
    final Promise<Void> closed = Promise.promise();
    MessageConsumer<Object> consumer;
    JsonObject reply;

    private Late(long fromSeq) {
      this.fromSeq = fromSeq;
    }

    static Late join(ProcessInfo info, long fromSeq) throws Exception {
      Late l = new Late(fromSeq);
      l.consumer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
        synchronized (l) {
          l.live.add(text(Long.parseLong(m.headers().get(Headers.SEQ)), m.headers().get(Headers.TYPE), m.body()));
        }
        if (EventType.CLOSED.wire().equals(m.headers().get(Headers.TYPE))) {
          l.closed.tryComplete();
        }
      });
      await(l.consumer.completion());
      l.reply = replay(info, fromSeq);
      if (l.reply.getJsonArray(Replay.EVENTS).stream()
        .anyMatch(e -> EventType.CLOSED.wire().equals(((JsonObject) e).getString(Replay.TYPE)))) {
        l.closed.tryComplete();
      }
      return l;
    }

    static Future<JsonObject> request(ProcessInfo info, long fromSeq) {
      return vertx.eventBus().<JsonObject>request(info.getServiceAddress(), new JsonObject().put("id", info.getId())
        .put("fromSeq", fromSeq), new DeliveryOptions().addHeader(Headers.ACTION, "replay")).map(m -> m.body());
    }

    static JsonObject replay(ProcessInfo info, long fromSeq) throws Exception {
      return await(request(info, fromSeq));
    }

    /** The replayed events in the owner's text form. */
    static List<String> texts(JsonArray events) {
      List<String> out = new ArrayList<>();
      for (Object o : events) {
        JsonObject e = (JsonObject) o;
        Object body = e.getValue(Replay.BODY);
        if (body instanceof JsonObject chunk && chunk.containsKey(EventFields.DATA)) {
          body = Buffer.buffer(Base64.getUrlDecoder().decode(chunk.getString(EventFields.DATA)));
        }
        out.add(text(e.getLong(Replay.SEQ), e.getString(Replay.TYPE), body));
      }
      return out;
    }

    /** The replay, then the live events from {@code nextSeq} on. */
    synchronized List<String> merged() {
      List<String> all = new ArrayList<>(texts(reply.getJsonArray(Replay.EVENTS)));
      long next = reply.getLong(Replay.NEXT_SEQ);
      for (String e : live) {
        if (Long.parseLong(e.substring(0, e.indexOf(':'))) >= next) {
          all.add(e);
        }
      }
      return all;
    }
  }
}
