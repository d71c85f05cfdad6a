package io.procbus.client;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.replyFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.procbus.protocol.Headers;
import io.procbus.protocol.Replay;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's own event address (protocol version 2) on a real bus: no subscription per child, every child's
 * bytes to its owner, observers served once they asked ({@code replay}), and the service's check of the address.
 */
class ClientEventsTest {

  private static Vertx vertx;
  private static ProcessClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    await(vertx.deployVerticle(new ProcessVerticle()));
    client = ProcessClient.create(vertx, new ProcessClientOptions().setClientEvents(true));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  private static ChildProcess cat() throws Exception {
    return await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe())
      .setStderr(Stdio.devNull())));
  }

  private static ProcessInfo infoOf(ChildProcess child) throws Exception {
    ProcessInfo info = await(client.service().list()).stream().filter(i -> i.getPid() == child.pid()).findFirst()
      .orElse(null);
    assertNotNull(info);
    return info;
  }

  /** Nobody subscribed to the child's own address (a request there has no handler), yet the owner gets its bytes. */
  @Test
  @Timeout(30)
  void theOwnerSubscribesNothingPerChild() throws Exception {
    ChildProcess cat = cat();
    ProcessInfo info = infoOf(cat);
    assertEquals(ReplyFailure.NO_HANDLERS, replyFailure(vertx.eventBus().request(info.getEventAddress(), "x"))
      .failureType());
    await(cat.stdin().write(Buffer.buffer("one\n")));
    assertEquals("one\n", await(cat.stdout().readLine()).toString());
    await(cat.stdin().end());
    assertEquals(0, await(cat.waitFor()));
  }

  /** Twenty children at once on one address: each gets exactly its own bytes, in order. */
  @Test
  @Timeout(60)
  void manyChildrenShareTheAddressAndEachGetsItsOwnBytes() throws Exception {
    List<Future<String>> outputs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      outputs.add(client.exec(List.of("seq", String.valueOf(i * 1000), String.valueOf(i * 1000 + 3000)),
          new ProcessOptions().setStdin(Stdio.devNull()).setStdout(Stdio.pipe()).setStderr(Stdio.devNull()))
        .compose(ChildProcess::communicate).map(r -> r.stdout().toString()));
    }
    for (int i = 0; i < 20; i++) {
      StringBuilder expected = new StringBuilder();
      for (int n = i * 1000; n <= i * 1000 + 3000; n++) {
        expected.append(n).append('\n');
      }
      assertEquals(expected.toString(), await(outputs.get(i)));
    }
  }

  /** {@code ProcessClient.observe} asks for the events: the observer sees the owner's, with the same numbers. */
  @Test
  @Timeout(30)
  void anObserverGetsTheEventsOnceItAskedForThem() throws Exception {
    ChildProcess cat = cat();
    ProcessObserver observer = await(client.observe(infoOf(cat).getEventAddress()));
    List<String> seen = new ArrayList<>();
    Promise<Void> ended = Promise.promise();
    observer.endHandler(v -> ended.tryComplete());
    observer.handler(e -> seen.add(e.isMissed() ? "missed" : e.seq() + ":" + e.type().wire()
      + (e.data() != null ? "=" + e.data() : "")));
    await(cat.stdin().write(Buffer.buffer("one\n")));
    assertEquals("one\n", await(cat.stdout().readLine()).toString());
    await(cat.stdin().end());
    assertEquals(0, await(cat.waitFor()));
    await(ended.future());
    assertTrue(seen.contains("0:stdout=one\n"), seen.toString());
    assertTrue(seen.get(seen.size() - 1).endsWith(":closed"), seen.toString());
  }

  /** A bus subscriber that sends {@code replay} after subscribing gets every event from {@code nextSeq} on. */
  @Test
  @Timeout(30)
  void aSubscriberThatSendsReplayGetsTheLiveEvents() throws Exception {
    ChildProcess cat = cat();
    ProcessInfo info = infoOf(cat);
    List<String> seen = new ArrayList<>();
    Promise<Void> closed = Promise.promise();
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      seen.add(m.headers().get(Headers.SEQ) + ":" + m.headers().get(Headers.TYPE));
      if ("closed".equals(m.headers().get(Headers.TYPE))) {
        closed.tryComplete();
      }
    });
    await(consumer.completion());
    JsonObject replay = await(client.service().replay(info.getId(), null, 0));
    long next = replay.getLong(Replay.NEXT_SEQ);
    await(cat.stdin().write(Buffer.buffer("one\n")));
    assertEquals("one\n", await(cat.stdout().readLine()).toString());
    await(cat.stdin().end());
    await(closed.future());
    assertEquals(next + ":stdout", seen.get(0), seen.toString());
    for (int i = 1; i < seen.size(); i++) {
      assertEquals(next + i, Long.parseLong(seen.get(i).split(":")[0]), seen.toString());
    }
    consumer.unregister();
  }

  /** The service sends events only to a client's address: anything else is refused and nothing starts. */
  @Test
  @Timeout(30)
  void anEventAddressOutsideTheClientsIsRefused() throws Exception {
    Addresses addresses = new Addresses(Addresses.DEFAULT_PREFIX);
    for (String address : List.of(addresses.service(), addresses.client(""))) {
      SpawnRequest request = new SpawnRequest().setCommand(List.of("true")).setOwner(client.owner())
        .setEventAddress(address);
      assertEquals(ErrorCode.INVALID_ARGUMENT.code(), replyFailure(client.service().spawn(request)).failureCode(),
        address);
    }
  }

  /** One control message with a batch of grants attaches each process it names: both run to {@code closed}. */
  @Test
  @Timeout(30)
  void aBatchOfGrantsAttachesEachProcessItNames() throws Exception {
    List<ProcessInfo> infos = new ArrayList<>();
    List<Future<Void>> closed = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ProcessInfo info = await(client.service().spawn(new SpawnRequest().setCommand(List.of("echo", "hi"))
        .setOwner("batcher")));
      Promise<Void> done = Promise.promise();
      MessageConsumer<Object> consumer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
        if ("closed".equals(m.headers().get(Headers.TYPE))) {
          done.tryComplete();
        }
      });
      await(consumer.completion());
      infos.add(info);
      closed.add(done.future().onComplete(v -> consumer.unregister()));
    }
    JsonArray grants = new JsonArray();
    for (ProcessInfo info : infos) {
      grants.add(new JsonObject().put(Control.ID, info.getId()).put(Control.STDOUT, 1024));
    }
    vertx.eventBus().send(infos.get(0).getControlAddress(), new JsonObject().put(Control.OWNER, "batcher")
      .put(Control.GRANTS, grants));
    await(Future.all(closed));
  }
}
