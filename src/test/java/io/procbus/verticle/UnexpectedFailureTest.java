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
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
  private static final Logger LIFECYCLE = Logger.getLogger(LIFECYCLE_LOG);
  private static final Logger CODEC = Logger.getLogger(FailureCodec.class.getName());

  private final String owner = "bug-" + UUID.randomUUID();
  /** The exception the handler threw, made where it is thrown so that its stack is the service's. */
  private final AtomicReference<IllegalStateException> injected = new AtomicReference<>();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler thrower = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getMessage() != null && r.getMessage().contains(owner) && r.getMessage().contains("spawned")) {
        IllegalStateException e = new IllegalStateException("injected by " + owner);
        injected.set(e);
        throw e;
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private final Handler recorder = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logged.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Level lifecycleLevel;
  private Vertx vertx;
  private ProcessVerticle verticle;

  @BeforeEach
  void start() throws Exception {
    lifecycleLevel = LIFECYCLE.getLevel();
    LIFECYCLE.setLevel(Level.INFO);
    LIFECYCLE.addHandler(thrower);
    CODEC.addHandler(recorder);
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    verticle = new ProcessVerticle();
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject().put("prefix", "bug"))));
  }

  @AfterEach
  void stop() throws Exception {
    LIFECYCLE.removeHandler(thrower);
    LIFECYCLE.setLevel(lifecycleLevel);
    CODEC.removeHandler(recorder);
    vertx.close().await(20, SECONDS);
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
    List<LogRecord> mine = logged.stream().filter(r -> r.getThrown() == bug).toList();
    assertEquals(1, mine.size(), "logged once: " + logged);
    assertEquals(Level.WARNING, mine.get(0).getLevel());
    List<String> stack = Arrays.stream(mine.get(0).getThrown().getStackTrace()).map(f -> f.getClassName()).toList();
    assertTrue(stack.contains(LIFECYCLE_LOG) && stack.contains(Launcher.class.getName()),
      "the stack shows where it was thrown: " + stack);
    // the child that started is not left behind: it is closed and no longer counted
    Await.until(vertx, "the child is reaped", 20, 10_000, () -> await(verticle.inspect(s -> s.liveCount())) == 0);
  }
}
