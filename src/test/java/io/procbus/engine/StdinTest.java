package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.StdinWriter;
import io.procbus.api.Stdio;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child's stdin as a bounded write queue: broken pipes surface as codes (A13), writes after close, the
 * {@code STDIN_FULL} bound, drain and the drain handler, a child closing stdin while idle, and call order.
 */
public class StdinTest extends EngineTestBase {

  static final Set<ErrorCode> PIPE_GONE = Set.of(ErrorCode.BROKEN_PIPE, ErrorCode.CONNECTION_RESET);
  /** More than a child's pipes (1 MiB each at most, pipe-max-size), its own buffer and a paused reader hold. */
  static final int BEYOND_ALL_BUFFERS = 8 * 1024 * 1024;

  /** A13: writing more than a pipe holds to a child that exits without reading fails cleanly. */
  @Test
  @Timeout(30)
  void writingToAChildThatExitsWithoutReadingFailsWithBrokenPipe() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()), "true");

    Future<Void> written = p.stdin().write(Buffer.buffer(new byte[CommunicateTest.PIPE_MAX_SIZE]));
    Future<Void> drained = p.stdin().drain();

    ErrorCode writeCode = failure(written, 5).code();
    assertTrue(PIPE_GONE.contains(writeCode), "write failed with " + writeCode);
    ErrorCode drainCode = failure(drained, 5).code();
    assertTrue(PIPE_GONE.contains(drainCode), "drain failed with " + drainCode);
    assertEquals(0, await(p.waitFor()));
    ChildProcess next = exec(stdoutPipe(), "echo", "still serving");
    assertEquals("still serving\n", str(await(next.communicate()).stdout()));
  }

  @Test
  @Timeout(30)
  void writingAfterTheExitWasObservedFailsWithBrokenPipeOrConnectionReset() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()), "true");
    assertEquals(0, await(p.waitFor()));

    ErrorCode code = failure(p.stdin().write(buf("late"))).code();

    assertTrue(PIPE_GONE.contains(code), "write failed with " + code);
  }

  @Test
  @Timeout(30)
  void writingAfterEndFailsWithBrokenPipe() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");
    await(p.stdin().write(buf("before")));
    await(p.stdin().end());

    assertEquals(ErrorCode.BROKEN_PIPE, failure(p.stdin().write(buf("after"))).code());
    assertTrue(p.stdin().isClosed());
    assertEquals("before", str(await(p.stdout().read())));
    assertEquals(0, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void drainAfterEndFailsWithBrokenPipe() throws Exception {
    // asyncio: drain() once the pipe's connection is lost raises ConnectionResetError('Connection lost')
    ChildProcess p = exec(inOutPipes(), "cat");
    await(p.stdin().end());

    assertEquals(ErrorCode.BROKEN_PIPE, failure(p.stdin().drain()).code());
    assertEquals(0, await(p.waitFor()));
  }

  /** Issue 2, guarantee 3: the queue is bounded; beyond it writes fail with STDIN_FULL instead of growing. */
  @Test
  @Timeout(30)
  void writesToAChildThatDoesNotReadEventuallyFailWithStdinFull() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()), "sleep", "3600");
    StdinWriter stdin = p.stdin();
    int chunk = 16 * 1024;
    List<Future<Void>> accepted = new ArrayList<>();
    ProcessException full = null;
    boolean sawQueueFull = false;
    int maxQueued = 0;

    for (int i = 0; i < 1000 && full == null; i++) {
      Future<Void> w = stdin.write(Buffer.buffer(new byte[chunk]));
      sawQueueFull |= stdin.writeQueueFull();
      // wait until the write was applied on the child's context, so the queue size is current
      await(onContext(p.context(), () -> null));
      maxQueued = Math.max(maxQueued, stdin.writeQueueSize());
      if (w.failed()) {
        full = (ProcessException) w.cause();
      } else {
        accepted.add(w);
      }
    }

    assertNotNull(full, "1000 writes of 16 KiB were all accepted by a child that never reads");
    assertEquals(ErrorCode.STDIN_FULL, full.code());
    assertTrue(sawQueueFull, "writeQueueFull() never said to stop");
    assertTrue(maxQueued <= 2 * stdin.getWriteQueueMaxSize() + chunk, "the queue grew to " + maxQueued);
    await(p.kill());
    assertEquals(-9, await(p.waitFor()));
    for (Future<Void> w : accepted) {
      await(w.transform(ar -> Future.succeededFuture()));
      if (w.failed()) {
        ErrorCode code = ((ProcessException) w.cause()).code();
        assertTrue(PIPE_GONE.contains(code), "a queued write failed with " + code);
      }
    }
    assertTrue(accepted.stream().anyMatch(Future::failed), "writes still queued when the child died must fail");
  }

  /** drain() waits while the child cannot take more, and completes once it reads again. */
  @Test
  @Timeout(30)
  void drainCompletesOnceTheChildReadsAgain() throws Exception {
    // cat blocks writing its stdout while nobody reads it, and so stops reading its stdin; 8 MiB is more than
    // the stdin pipe, cat's buffer, the stdout pipe (1 MiB at most) and the paused reader hold together
    ChildProcess p = exec(inOutPipes().setLimit(1024), "cat");
    byte[] bytes = new byte[BEYOND_ALL_BUFFERS];
    new Random(7).nextBytes(bytes);

    Future<Void> written = p.stdin().write(Buffer.buffer(bytes));
    Future<Void> drained = p.stdin().drain();

    assertTrue(p.stdin().writeQueueFull());
    assertFalse(completesWithin(drained, Duration.ofMillis(300)), "drained while the child could not read");
    Future<Buffer> out = p.stdout().read();
    await(drained);
    await(written);
    await(p.stdin().end());
    assertArrayEquals(bytes, await(out).getBytes());
    assertEquals(0, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void theDrainHandlerRunsOnTheChildsContextOnceTheChildReadsAgain() throws Exception {
    ChildProcess p = exec(inOutPipes().setLimit(1024), "cat");
    Promise<Boolean> drained = Promise.promise();
    p.stdin().setWriteQueueMaxSize(8 * 1024);

    p.stdin().write(Buffer.buffer(new byte[BEYOND_ALL_BUFFERS]));
    assertTrue(p.stdin().writeQueueFull());
    p.stdin().drainHandler(v -> drained.tryComplete(Vertx.currentContext() == p.context()));

    assertFalse(completesWithin(drained.future(), Duration.ofMillis(300)), "drained while the child could not read");
    Future<Buffer> out = p.stdout().read();
    assertTrue(await(drained.future()), "the drain handler ran off the child's context");
    await(p.stdin().end());
    assertEquals(BEYOND_ALL_BUFFERS, await(out).length());
  }

  /** Vert.x convention (AsyncFile): a drain handler set when the queue is already drained runs at once. */
  @Test
  @Timeout(30)
  void aDrainHandlerSetFromAnotherThreadAfterTheQueueDrainedStillRuns() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");
    await(p.stdin().write(buf("x")));
    Promise<Void> drained = Promise.promise();

    p.stdin().drainHandler(v -> drained.tryComplete());

    await(drained.future(), 5);
    await(p.stdin().end());
    assertEquals("x", str(await(p.stdout().read())));
  }

  /** 2.4: a child closing its stdin is noticed while nothing is being written. */
  @Test
  @Timeout(30)
  void aChildClosingItsStdinIsNoticedWithoutAnyFurtherWrite() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()), "sh", helper("close-stdin-on-request.sh"));

    await(p.stdin().write(buf("go\n")));

    awaitCondition("stdin seen closed", () -> p.stdin().isClosed(), Duration.ofSeconds(5));
    assertNull(p.returnCode(), "the child must still be running: it closed stdin, it did not exit");
    assertEquals(ErrorCode.BROKEN_PIPE, failure(p.stdin().write(buf("more"))).code());
  }

  /** A child closing stdin with writes still queued fails them, and the exception handler sees stdin closed. */
  @Test
  @Timeout(30)
  void aChildClosingItsStdinFailsQueuedWritesWithBrokenPipe() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()), "sh", helper("close-stdin-on-request.sh"));
    Promise<Throwable> noticed = Promise.promise();
    AtomicBoolean closedInHandler = new AtomicBoolean();
    p.stdin().exceptionHandler(t -> {
      closedInHandler.set(p.stdin().isClosed());
      noticed.tryComplete(t);
    });

    // the child reads the first line, then closes stdin with the rest of this write still unread
    Buffer lineThenMore = buf("go\n").appendBuffer(Buffer.buffer(new byte[BEYOND_ALL_BUFFERS]));
    Future<Void> written = p.stdin().write(lineThenMore);

    assertEquals(ErrorCode.BROKEN_PIPE, failure(written, 5).code());
    ProcessException e = (ProcessException) await(noticed.future(), 5);
    assertEquals(ErrorCode.BROKEN_PIPE, e.code());
    assertTrue(closedInHandler.get(), "the exception handler ran while stdin still reported itself open");
    assertNull(p.returnCode(), "the child must still be running: it closed stdin, it did not exit");
  }

  /** Calls from a thread outside Vert.x are carried out on the child's context in call order. */
  @Test
  @Timeout(30)
  void writesFromAnotherThreadArriveInCallOrder() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");
    StringBuilder expected = new StringBuilder();
    List<Future<Void>> writes = new ArrayList<>();

    for (int i = 0; i < 2000; i++) {
      String line = i + "\n";
      expected.append(line);
      writes.add(p.stdin().write(buf(line)));
    }
    Future<Buffer> out = p.stdout().read();
    await(Future.all(writes));
    await(p.stdin().end());

    assertEquals(expected.toString(), str(await(out)));
  }

  /** A write does not consume the caller's Buffer: the same Buffer can be written again. */
  @Test
  @Timeout(30)
  void theSameBufferCanBeWrittenTwice() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");
    Buffer twice = buf("again ");

    await(p.stdin().write(twice));
    await(p.stdin().write(twice));
    await(p.stdin().end());

    assertEquals("again again ", str(await(p.stdout().read())));
    assertEquals("again ", str(twice));
  }

  @Test
  @Timeout(30)
  void anEmptyWriteSucceedsAndSendsNothing() throws Exception {
    ChildProcess p = exec(inOutPipes(), "wc", "-c");
    AtomicInteger calls = new AtomicInteger();

    await(p.stdin().write(Buffer.buffer()).onSuccess(v -> calls.incrementAndGet()));
    await(p.stdin().end());

    assertEquals(1, calls.get());
    assertEquals("0", str(await(p.stdout().read())).trim());
  }
}
