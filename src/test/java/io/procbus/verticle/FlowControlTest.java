package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.EngineOptions;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.streams.StreamReaderImpl;
import io.procbus.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control end to end, measured in bytes held, never in time: the owner's credit paces the child, the
 * service reads nothing while the owner is stalled, and neither side buffers more than its bound.
 */
class FlowControlTest {

  private static final int WINDOW = 256 * 1024;
  private static final int LIMIT = 64 * 1024;
  private static final int READ = EngineOptions.DEFAULT_READ_BUFFER_SIZE;

  private static Vertx vertx;
  private static ProcessVerticle verticle;
  private static ProcessClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    verticle = new ProcessVerticle();
    await(vertx.deployVerticle(verticle));
    client = ProcessClient.create(vertx, new ProcessClientOptions().setWindow(WINDOW));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  /**
   * {@code yes} writes as fast as it can to an owner that never reads: the client's reader pauses above
   * {@code 2 × limit}, the client stops granting, the service's credit runs out and it stops reading the pipe,
   * the pipe fills and {@code yes} blocks in {@code write()}. What the service published is then bounded by
   * what was granted plus one read, and the client holds at most {@code 2 × limit + window + one read}. After
   * reading 4 MiB the same bounds hold again, relative to what was consumed.
   */
  @Test
  @Timeout(60)
  void aStalledOwnerKeepsEveryBufferBoundedWhileYesRuns() throws Exception {
    ChildProcess yes = await(client.exec(List.of("yes"), new ProcessOptions().setStdin(Stdio.devNull())
      .setStdout(Stdio.pipe()).setStderr(Stdio.devNull()).setLimit(LIMIT)));
    try {
      StreamReaderImpl reader = (StreamReaderImpl) yes.stdout();
      long consumed = 0;
      for (int round = 0; round < 2; round++) {
        awaitStalled(yes, reader);
        long published = await(verticle.inspect(s -> s.processByPid(yes.pid()).published(1)));
        long granted = await(verticle.inspect(s -> s.processByPid(yes.pid()).granted(1)));
        long credit = await(verticle.inspect(s -> s.processByPid(yes.pid()).credit(1)));
        assertTrue(credit <= 0, "credit left while stalled: " + credit);
        assertTrue(published <= granted + READ, "published " + published + " of " + granted + " granted");
        long held = published - consumed; // in the client: in flight, held by the paused pipe, or buffered
        assertTrue(held <= 2L * LIMIT + WINDOW + READ, "client holds " + held + " bytes");
        assertTrue(reader.buffered() <= 2L * LIMIT + READ, "reader buffers " + reader.buffered());
        // consume 4 MiB: the stream resumes, then stalls again
        int chunk = 4 << 20;
        Buffer read = await(yes.stdout().readExactly(chunk));
        assertEquals(chunk, read.length());
        assertEquals('y', read.getByte(0));
        consumed += chunk;
      }
    } finally {
      yes.kill();
    }
    assertEquals(-9, await(yes.waitFor()));
  }

  /** Waits until the service has stopped reading the pipe, the reader has paused and {@code yes} blocks. */
  private static void awaitStalled(ChildProcess yes, StreamReaderImpl reader) throws Exception {
    Await.until(vertx, "the stream to stall", 10, 20_000, () -> reader.isReadingPaused()
      && !await(verticle.inspect(s -> s.processByPid(yes.pid()).isReading(1)))
      && Await.state(yes.pid()) == 'S');
  }

  /**
   * Nothing is published before the owner's first grant: a child that writes and exits at once, spawned
   * through the raw service, publishes its whole life only once its owner attaches, in order, from seq 0, and
   * exit after the last byte.
   */
  @Test
  @Timeout(30)
  void nothingIsPublishedBeforeTheAttachThenEverythingInOrder() throws Exception {
    String owner = "owner-attach";
    JsonObject request = new JsonObject().put("command", List.of("sh", "-c", "printf hello; printf oops >&2; exit 3"))
      .put("owner", owner);
    ProcessInfo info = new ProcessInfo(await(vertx.eventBus().<JsonObject>request(new Addresses("procbus").service(),
      new JsonObject().put("request", request), new io.vertx.core.eventbus.DeliveryOptions()
        .addHeader(Headers.ACTION, "spawn"))).body());
    List<String> events = new ArrayList<>();
    Promise<Void> closed = Promise.promise();
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      String type = m.headers().get(Headers.TYPE);
      events.add(m.headers().get(Headers.SEQ) + ":" + type + (m.body() instanceof Buffer b ? "=" + b : ""));
      if (EventType.CLOSED.wire().equals(type)) {
        closed.tryComplete();
      }
    });
    await(consumer.completion());
    // the child has exited by the time it is reaped; wait for that, then check nothing was published
    Await.until(vertx, "the child to be reaped", 10, 10_000, () -> Await.gone(info.getPid()));
    await(verticle.inspect(s -> null)); // everything the service had queued on its context has run
    assertEquals(List.of(), events, "published before the attach");
    vertx.eventBus().send(info.getControlAddress(), new JsonObject().put(Control.ID, info.getId())
      .put(Control.OWNER, "somebody-else").put(Control.STDOUT, 1 << 20));
    await(verticle.inspect(s -> null));
    assertEquals(List.of(), events, "a grant from a non-owner attached");
    vertx.eventBus().send(info.getControlAddress(), new JsonObject().put(Control.ID, info.getId())
      .put(Control.OWNER, owner).put(Control.STDOUT, 0).put(Control.STDERR, 0));
    await(closed.future());
    consumer.unregister();
    List<String> kinds = events.stream().map(e -> e.substring(e.indexOf(':') + 1)).toList();
    assertTrue(kinds.contains("stdout=hello"), events.toString());
    assertTrue(kinds.contains("stderr=oops"), events.toString());
    for (int i = 0; i < events.size(); i++) {
      assertTrue(events.get(i).startsWith(i + ":"), "seq " + i + " in " + events);
    }
    assertTrue(kinds.indexOf("stdout=hello") < kinds.indexOf("exit"), events.toString());
    assertTrue(kinds.indexOf("stderr=oops") < kinds.indexOf("exit"), events.toString());
    assertEquals("closed", kinds.get(kinds.size() - 1));
    assertEquals(7, kinds.size(), "stdout, stderr, two eof, stdin-closed, exit, closed: " + events);
  }

  /** A second subscriber (an observer) sees the same events, with the same sequence numbers, as the owner. */
  @Test
  @Timeout(30)
  void anObserverSeesTheSameSequenceAsTheOwner() throws Exception {
    ChildProcess cat = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
      .setStdout(Stdio.pipe()).setStderr(Stdio.devNull())));
    ProcessInfo info = await(client.service().list()).stream().filter(i -> i.getPid() == cat.pid()).findFirst()
      .orElse(null);
    assertNotNull(info);
    List<String> observed = new ArrayList<>();
    Promise<Void> closed = Promise.promise();
    MessageConsumer<Object> observer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      observed.add(m.headers().get(Headers.SEQ) + ":" + m.headers().get(Headers.TYPE));
      if ("closed".equals(m.headers().get(Headers.TYPE))) {
        closed.tryComplete();
      }
    });
    await(observer.completion());
    await(cat.stdin().write(Buffer.buffer("one\n")));
    assertEquals("one\n", await(cat.stdout().readLine()).toString());
    await(cat.stdin().end());
    assertEquals(0, await(cat.waitFor()));
    await(closed.future());
    assertFalse(observed.isEmpty());
    for (int i = 1; i < observed.size(); i++) {
      long prev = Long.parseLong(observed.get(i - 1).split(":")[0]);
      assertEquals(prev + 1, Long.parseLong(observed.get(i).split(":")[0]), observed.toString());
    }
    assertTrue(observed.get(observed.size() - 1).endsWith(":closed"), observed.toString());
    observer.unregister();
  }
}
