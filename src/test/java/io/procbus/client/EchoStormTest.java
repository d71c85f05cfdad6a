package io.procbus.client;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No output is lost between the spawn reply and the client's subscription: the service publishes nothing
 * before the owner's first grant, and the client grants only once it is subscribed. A child that prints one
 * line and exits at once is seen whole, every time.
 */
class EchoStormTest {

  private static final int CHILDREN = 1000;
  private static final int IN_FLIGHT = 50;

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

  @Test
  @Timeout(90)
  void aThousandQuickEchoesLoseNoLine() throws Exception {
    ProcessOptions options = new ProcessOptions().setStdin(Stdio.devNull()).setStdout(Stdio.pipe())
      .setStderr(Stdio.devNull());
    AtomicInteger next = new AtomicInteger();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<String> wrong = new ArrayList<>();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < IN_FLIGHT; w++) {
      workers.add(worker(next, options, seen, wrong));
    }
    Future.all(workers).await(80, SECONDS);
    synchronized (wrong) {
      assertTrue(wrong.isEmpty(), "wrong output: " + wrong.subList(0, Math.min(10, wrong.size())));
    }
    assertEquals(CHILDREN, seen.size(), "lines received");
    assertEquals(0, client.liveCount());
  }

  /** Runs children one after the other until {@link #CHILDREN} were started in all. */
  private static Future<Void> worker(AtomicInteger next, ProcessOptions options, Set<String> seen, List<String> wrong) {
    int i = next.getAndIncrement();
    if (i >= CHILDREN) {
      return Future.succeededFuture();
    }
    String line = "line-" + i;
    return client.exec(List.of("echo", line), options)
      .compose(child -> child.stdout().read().compose(out -> child.waitFor().map(rc -> {
        if (rc != 0 || !out.toString().equals(line + "\n")) {
          synchronized (wrong) {
            wrong.add(i + ": rc " + rc + " out '" + out + "'");
          }
        } else {
          seen.add(line);
        }
        return (Void) null;
      })))
      .compose(v -> worker(next, options, seen, wrong));
  }
}
