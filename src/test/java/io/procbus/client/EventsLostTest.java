package io.procbus.client;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.processFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.testing.Await;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A gap in a process's event sequence is never delivered as a stream with a hole in it. */
class EventsLostTest {

  private static Vertx vertx;
  private static ProcessClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    await(vertx.deployVerticle(new ProcessVerticle()));
    client = ProcessClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  /**
   * An event whose seq is not the next one (here a forged chunk on the process's address) gives the process
   * up with EVENTS_LOST: reads and waitFor fail with it, and the child is killed rather than left unwatched.
   */
  @Test
  @Timeout(20)
  void aSequenceGapFailsTheProcessWithEventsLostAndKillsIt() throws Exception {
    ChildProcess cat = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
      .setStdout(Stdio.pipe()).setStderr(Stdio.devNull())));
    ProcessInfo info = await(client.service().list()).stream().filter(i -> i.getPid() == cat.pid()).findFirst()
      .orElseThrow();
    vertx.eventBus().publish(info.getEventAddress(), Buffer.buffer("forged"), new DeliveryOptions()
      .addHeader(Headers.TYPE, EventType.STDOUT.wire()).addHeader(Headers.SEQ, "41").addHeader(Headers.ID, info.getId()));
    assertEquals(ErrorCode.EVENTS_LOST, processFailure(cat::waitFor).code());
    assertEquals(ErrorCode.EVENTS_LOST, processFailure(() -> cat.stdout().read()).code());
    Await.until(vertx, "the child to be killed and reaped", 10, 10_000, () -> Await.gone(cat.pid()));
    assertEquals(0, client.liveCount());
  }
}
