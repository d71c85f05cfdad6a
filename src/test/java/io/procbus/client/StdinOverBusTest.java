package io.procbus.client;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.processFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What is particular to stdin over the bus (the shared behaviour is {@link RemoteStdinTest}): writes split to
 * the service's message limit, the client's queue bound against a child that does not read, and pacing.
 */
class StdinOverBusTest {

  /** Small on purpose: a write must be split into many stdin messages. */
  private static final int MAX_STDIN_MESSAGE = 1000;
  private static final ProcessOptions CAT = new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe())
    .setStderr(Stdio.devNull());

  private static Vertx vertx;
  private static ProcessClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("limits", new JsonObject().put("maxStdinMessageBytes", MAX_STDIN_MESSAGE)))));
    client = ProcessClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  /** A write larger than the service's message limit is split, in order, and arrives whole. */
  @Test
  @Timeout(30)
  void aWriteLargerThanTheServicesMessageLimitArrivesWholeAndInOrder() throws Exception {
    Buffer input = pattern(300_000);
    ChildProcess cat = await(client.exec(List.of("cat"), CAT));
    CommunicateResult r = await(cat.communicate(input));
    assertEquals(input, r.stdout());
    assertTrue(r.inputDelivered());
    assertEquals(0, r.returnCode());
  }

  /**
   * A child that does not read: the service's pipe and queue fill, acknowledgements stop, and the client's
   * queue stays full; a write while it holds twice its size fails with STDIN_FULL at once, and the pending one
   * fails with BROKEN_PIPE when the child is killed.
   */
  @Test
  @Timeout(30)
  void writesToAChildThatDoesNotReadFillTheQueueThenFailWithStdinFull() throws Exception {
    ChildProcess sleeper = await(client.exec(List.of("sleep", "3600"), CAT));
    sleeper.stdin().setWriteQueueMaxSize(16 * 1024);
    Future<Void> big = onContext(sleeper, () -> {
      Future<Void> f = sleeper.stdin().write(Buffer.buffer(new byte[1 << 20]));
      assertTrue(sleeper.stdin().writeQueueFull());
      return f;
    });
    assertEquals(ErrorCode.STDIN_FULL, processFailure(() -> sleeper.stdin().write(Buffer.buffer("x"))).code());
    assertFalse(big.isComplete(), "nothing acknowledges bytes the child has not taken");
    await(sleeper.kill());
    assertEquals(-9, await(sleeper.waitFor()));
    ErrorCode code = processFailure(() -> big).code();
    assertTrue(code == ErrorCode.BROKEN_PIPE || code == ErrorCode.CONNECTION_RESET, code.toString());
  }

  /** A fast writer is paced by a slow child: drain() completes only once the child has read the bytes. */
  @Test
  @Timeout(30)
  void drainCompletesOnlyOnceTheChildReads() throws Exception {
    ChildProcess cat = await(client.shell("read line; echo got \"$line\"; cat >/dev/null", CAT));
    cat.stdin().setWriteQueueMaxSize(8 * 1024);
    @SuppressWarnings("unchecked")
    Future<Void>[] drained = new Future[1];
    Future<Void> written = onContext(cat, () -> {
      Future<Void> f = cat.stdin().write(Buffer.buffer("first\n").appendBuffer(Buffer.buffer(new byte[4 << 20])));
      assertTrue(cat.stdin().writeQueueFull());
      drained[0] = cat.stdin().drain();
      return f;
    });
    assertFalse(drained[0].isComplete());
    assertEquals("got first\n", await(cat.stdout().readLine()).toString());
    await(drained[0]);
    await(written);
    assertEquals(0, cat.stdin().writeQueueSize());
    await(cat.stdin().end());
    assertEquals(0, await(cat.waitFor()));
  }

  /** Runs {@code action} on the child's context, where the writer's state is current, and returns its result. */
  private static <T> T onContext(ChildProcess child, Callable<T> action) throws Exception {
    Promise<T> result = Promise.promise();
    child.context().runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Throwable t) {
        result.fail(t);
      }
    });
    return await(result.future());
  }

  private static Buffer pattern(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) ('a' + (i * 7 + i / 4096) % 26);
    }
    return Buffer.buffer(bytes);
  }
}
