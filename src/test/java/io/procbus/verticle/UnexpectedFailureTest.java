package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessService;
import io.procbus.api.SpawnRequest;
import io.procbus.protocol.FailureCodec;
import io.procbus.testing.Await;
import io.procbus.testing.LogCapture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An unexpected exception inside the service (a bug) reaches the caller as {@code INTERNAL} and is logged once,
 * with its stack: injected through a real path, a lifecycle log handler that throws when the service reports a
 * spawn (a monitor must never throw), on a deployed verticle called through its service proxy.
 */
class UnexpectedFailureTest {

  /** The lifecycle log's logger ({@code io.procbus.ops.LifecycleLog}, package-private). */
  private static final String LIFECYCLE_LOG = "io.procbus.ops.LifecycleLog";

  private final String owner = "bug-" + UUID.randomUUID();
  /** The exception the lifecycle log threw, made where it is thrown so that its stack is the service's. */
  private final AtomicReference<IllegalStateException> injected = new AtomicReference<>();
  private LogCapture lifecycle;
  private LogCapture codec;
  private Vertx vertx;
  private ProcessVerticle verticle;

  @BeforeEach
  void start() throws Exception {
    lifecycle = LogCapture.of(LIFECYCLE_LOG, Level.INFO, r -> {
      if (r.getMessage() != null && r.getMessage().contains(owner) && r.getMessage().contains("spawned")) {
        IllegalStateException e = new IllegalStateException("injected by " + owner);
        injected.set(e);
        throw e;
      }
    });
    codec = LogCapture.of(FailureCodec.class.getName(), Level.WARNING);
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    verticle = new ProcessVerticle();
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject().put("prefix", "bug"))));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      vertx.close().await(20, SECONDS);
    } finally {
      lifecycle.close();
      codec.close();
    }
  }

  @Test
  @Timeout(30)
  void anUnexpectedExceptionIsReportedAsInternalAndLoggedOnceWithItsStack() throws Exception {
    ProcessService service = ProcessService.createProxy(vertx, "bug.service");

    ReplyException e = Await.replyFailure(service.spawn(new SpawnRequest().setCommand(List.of("sleep", "30"))
      .setOwner(owner)));

    IllegalStateException bug = injected.get();
    assertEquals(ErrorCode.INTERNAL.code(), e.failureCode(), e.getMessage());
    assertEquals("internal error: " + bug, e.getMessage());
    List<LogRecord> mine = codec.records().stream().filter(r -> r.getThrown() == bug).toList();
    assertEquals(1, mine.size(), "logged once: " + codec.records());
    assertEquals(Level.WARNING, mine.get(0).getLevel());
    List<String> stack = Arrays.stream(mine.get(0).getThrown().getStackTrace()).map(f -> f.getClassName()).toList();
    assertTrue(stack.contains(LIFECYCLE_LOG) && stack.contains(Launcher.class.getName()),
      "the stack shows where it was thrown: " + stack);
    // the child that started is not left behind: it is closed and no longer counted
    Await.until(vertx, "the child is reaped", 20, 10_000, () -> await(verticle.inspect(s -> s.liveCount())) == 0);
  }
}
