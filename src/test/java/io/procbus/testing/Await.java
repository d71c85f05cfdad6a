package io.procbus.testing;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.procbus.api.ProcessException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Waiting helpers for tests: every wait is bounded, none sleeps. */
public final class Await {

  /** Upper bound of a single await. */
  public static final long SECONDS_EACH = 20;

  private Await() {
  }

  /** The future's result, or what it failed with, thrown. */
  public static <T> T await(Future<T> future) throws Exception {
    return future.await(SECONDS_EACH, SECONDS);
  }

  /**
   * Returns once {@code condition} holds; it is checked on the calling thread, again after each tick of a
   * Vert.x timer of {@code everyMillis} (a state is awaited, not a duration); fails after {@code timeoutMillis}
   * with {@code what}. The condition may block (await futures).
   */
  public static void until(Vertx vertx, String what, long everyMillis, long timeoutMillis, Callable<Boolean> condition)
    throws Exception {
    long deadline = System.nanoTime() + MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.call()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      Promise<Void> tick = Promise.promise();
      vertx.setTimer(everyMillis, id -> tick.complete());
      tick.future().await(SECONDS_EACH, SECONDS);
    }
  }

  /** Whether {@code /proc/<pid>} is gone: the process was reaped. */
  public static boolean gone(int pid) {
    return !Files.exists(Path.of("/proc/" + pid));
  }

  /** The scheduler state letter of {@code pid} ({@code R}, {@code S}, {@code Z}…), or 0 when it is gone. */
  public static char state(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (Exception e) {
      return 0;
    }
  }

  /** The ProcessException a future fails with; the call itself must not throw. */
  public static ProcessException processFailure(Supplier<? extends Future<?>> call) throws Exception {
    Future<?> future = call.get();
    assertNotNull(future, "an async method returns a future");
    try {
      future.await(SECONDS_EACH, SECONDS);
    } catch (ProcessException e) {
      return e;
    }
    return fail("expected a failed future, got " + future.result());
  }

  /** The ReplyException a bus request fails with. */
  public static ReplyException replyFailure(Future<?> future) throws Exception {
    try {
      future.await(SECONDS_EACH, SECONDS);
    } catch (ReplyException e) {
      return e;
    }
    return fail("expected a failed reply, got " + future.result());
  }
}
