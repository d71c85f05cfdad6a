package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.IncompleteReadException;
import io.procbus.api.LimitOverrunException;
import io.procbus.api.ProcessException;
import io.procbus.api.StreamReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reading a child's output: back-pressure (A15), no tail loss (A29, hard case 2), exit is not EOF (2.6,
 * A46, hard case 3), the asyncio {@code StreamReader} operations on real pipes (C11, C20–C23, C27, C28,
 * C31, C32) and the Vert.x {@code ReadStream} view.
 */
public class StreamsTest extends EngineTestBase {

  /** Bytes one pipe read can deliver at most ({@code EngineOptions} default read buffer). */
  static final int READ_CHUNK = 65_536;
  static final int FIXTURE_SIZE = 200 * 1024;

  Path fixture;
  byte[] fixtureBytes;

  @BeforeAll
  void writeFixture() throws Exception {
    fixtureBytes = new byte[FIXTURE_SIZE];
    new Random(0x5EED).nextBytes(fixtureBytes);
    fixture = Files.write(Files.createTempFile("procbus-fixture", ".bin"), fixtureBytes);
    fixture.toFile().deleteOnExit();
  }

  /** A15 (a) and (b), Issue #22685: an unread stdout stops being read, the child blocks, memory stays bounded. */
  @Test
  @Timeout(30)
  void anUnreadStdoutStopsTheChildAndBoundsTheBufferUntilItIsRead() throws Exception {
    int limit = 1024;
    ChildProcess p = shell("head -c 10485760 /dev/zero; echo done >&2", allPipes().setLimit(limit));
    Future<Buffer> done = p.stderr().readLine();
    AtomicInteger maxBuffered = new AtomicInteger();
    long sampler = vertx.setPeriodic(0, 2, t -> maxBuffered.accumulateAndGet(p.stdout().buffered(), Math::max));

    boolean doneArrived;
    try {
      doneArrived = completesWithin(done, Duration.ofSeconds(1));
    } finally {
      vertx.cancelTimer(sampler);
    }

    assertFalse(doneArrived, "the child got past 10 MiB of stdout that nobody read");
    assertTrue(maxBuffered.get() > 0, "no stdout was buffered at all");
    assertTrue(maxBuffered.get() <= 2 * limit + READ_CHUNK, "stdout buffer grew to " + maxBuffered.get());
    Buffer all = await(p.stdout().read());
    assertEquals(10485760, all.length());
    assertEquals("done\n", str(await(done)));
    assertEquals(0, await(p.waitFor()));
  }

  /** A15, CPython's literal case: 21 bytes with limit 10 still come back whole. */
  @Test
  @Timeout(30)
  void moreThanTwiceTheLimitStillArrivesWholeThroughCommunicate() throws Exception {
    ChildProcess p = exec(stdoutPipe().setLimit(10), "printf", "%s", "x".repeat(21));

    assertEquals("x".repeat(21), str(await(p.communicate()).stdout()));
  }

  /** A29 (a), bpo-29704: reading slowly across the exit loses nothing. */
  @Test
  @Timeout(30)
  void stdoutReadInChunksAcrossTheExitIsComplete() throws Exception {
    ChildProcess p = shell("head -c 262144 /dev/zero; exit 1", stdoutPipe());

    long total = 0;
    while (true) {
      Buffer chunk = await(p.stdout().read(65536));
      if (chunk.length() == 0) {
        break;
      }
      assertTrue(chunk.length() <= 65536);
      total += chunk.length();
      // a slow consumer: before the next read, wait for the exit if it comes soon
      await(Future.any(p.waitFor(), timer(20)));
    }

    assertEquals(262144, total);
    assertTrue(p.stdout().atEof());
    assertEquals(1, await(p.waitFor()));
  }

  /** A29 (b): reading only after the exit still gets everything, and exit came after the child's last byte. */
  @Test
  @Timeout(30)
  void stdoutReadOnlyAfterTheExitIsComplete() throws Exception {
    ChildProcess p = shell("head -c 10000 /dev/zero", stdoutPipe());

    assertEquals(0, await(p.waitFor()));
    assertEquals(10000, p.stdout().buffered(), "exit was published before the child's bytes were buffered");

    assertEquals(10000, await(p.stdout().read()).length());
    assertEquals(0, await(p.stdout().read(100)).length());
    assertTrue(p.stdout().atEof());
  }

  /** Hard case 2: 500 fast-exiting children, read by communicate or only after their exit: every byte arrives. */
  @Test
  @Timeout(60)
  void fiveHundredFastExitingChildrenDeliverEveryByte() throws Exception {
    int[] sizes = new int[500];
    int[] edges = {0, 1, 4095, 4096, 4097, 65535, 65536, 65537, 131072, FIXTURE_SIZE};
    Random random = new Random(42);
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i < edges.length ? edges[i] : random.nextInt(FIXTURE_SIZE + 1);
    }
    int inFlight = 8;
    List<String> problems = new ArrayList<>();
    for (int start = 0; start < sizes.length; start += inFlight) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(sizes.length, start + inFlight); i++) {
        batch.add(headOfFixture(i, sizes[i]));
      }
      await(Future.join(batch));
      for (Future<String> f : batch) {
        if (!f.succeeded()) {
          problems.add(String.valueOf(f.cause()));
        } else if (!f.result().isEmpty()) {
          problems.add(f.result());
        }
      }
    }

    assertEquals(List.of(), problems);
  }

  /**
   * Runs {@code head -c n fixture}: even runs read by communicate, odd runs read only after the exit (with a
   * limit that lets the reader hold all of it: an unread pipe otherwise blocks the child, as documented).
   */
  private Future<String> headOfFixture(int run, int n) {
    byte[] expected = Arrays.copyOf(fixtureBytes, n);
    int limit = run % 2 == 0 ? StreamReader.DEFAULT_LIMIT : FIXTURE_SIZE;
    List<String> argv = List.of("head", "-c", Integer.toString(n), fixture.toString());
    return engine.exec(argv, stdoutPipe().setLimit(limit)).compose(p -> {
      track(p);
      Future<Buffer> out;
      if (run % 2 == 0) {
        out = p.communicate().map(CommunicateResult::stdout);
      } else {
        out = p.waitFor().compose(rc -> {
          int buffered = p.stdout().buffered();
          if (buffered != n) {
            return Future.failedFuture("run " + run + ": " + buffered + " of " + n + " bytes buffered at exit");
          }
          return p.stdout().read();
        });
      }
      return out.compose(bytes -> p.waitFor().map(rc -> {
        if (rc != 0) {
          return "run " + run + ": rc " + rc;
        }
        if (!Arrays.equals(expected, bytes.getBytes())) {
          return "run " + run + ": " + bytes.length() + " bytes, expected " + n + " matching the fixture";
        }
        return "";
      }));
    });
  }

  /** 2.6: output a grandchild writes after the child's exit still arrives; EOF waits for it. */
  @Test
  @Timeout(30)
  void outputWrittenByAGrandchildAfterTheExitStillArrives() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "sh", helper("grandchild-writes-late.sh"));

    Future<CommunicateResult> all = p.communicate();
    assertEquals(0, await(p.waitFor()));
    assertFalse(all.isComplete(), "communicate must wait for the grandchild's EOF, not for the exit");

    assertEquals("early\nlate\n", str(await(all).stdout()));
  }

  /** A46, gh-119710, hard case 3: a grandchild holding stdout delays closed(), never the exit. */
  @Test
  @Timeout(30)
  void waitForReturnsAtTheExitWhileAGrandchildStillHoldsStdout() throws Exception {
    ChildProcess p = exec(inOutPipes(), "sh", helper("grandchild-holds-stdout.sh"), "30", "3");
    long grandchild = Long.parseLong(str(await(p.stdout().readLine())).trim());
    try {
      Future<Integer> before = p.waitFor();
      assertFalse(before.isComplete());

      await(p.stdin().write(buf("go\n")));

      assertEquals(3, await(before, 2));
      assertEquals(3, await(p.waitFor(), 2));
      Future<Buffer> rest = p.stdout().read();
      assertFalse(completesWithin(p.closed(), Duration.ofMillis(200)), "closed() while a grandchild holds stdout");
      assertFalse(rest.isComplete(), "EOF while a grandchild holds stdout");

      ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);

      assertEquals("", str(await(rest, 5)));
      await(p.closed(), 5);
    } finally {
      ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** C31, asyncio issue 168: read() to EOF with more than the limit buffered cannot deadlock. */
  @Test
  @Timeout(30)
  void readToEofWorksWithATinyLimit() throws Exception {
    ChildProcess tiny = exec(stdoutPipe().setLimit(1), "printf", "data");
    assertEquals("data", str(await(tiny.stdout().read())));

    ChildProcess mebibyte = shell("yes 0123456789abcde | head -c 1048576", stdoutPipe().setLimit(16));
    Buffer all = await(mebibyte.stdout().read());
    assertEquals(1048576, all.length());
    assertEquals(Buffer.buffer("0123456789abcde\n".repeat(65536)), all);
    assertEquals(0, await(mebibyte.waitFor()));
  }

  /** C11: a too-long line is discarded through its newline, and what follows stays readable. */
  @Test
  @Timeout(30)
  void aTooLongLineIsDiscardedThroughItsNewline() throws Exception {
    ChildProcess p = exec(stdoutPipe().setLimit(3), "printf", "line1\\nline2\\n");

    assertEquals(ErrorCode.LINE_TOO_LONG, failure(p.stdout().readLine()).code());
    assertEquals("line2\n", str(await(p.stdout().read())), "the bytes after the discarded line");
  }

  @Test
  @Timeout(30)
  void theLineAfterATooLongOneIsReadNormally() throws Exception {
    ChildProcess p = exec(stdoutPipe().setLimit(5), "printf", "longline1\\nline2\\n");

    assertEquals(ErrorCode.LINE_TOO_LONG, failure(p.stdout().readLine()).code());
    assertEquals("line2\n", str(await(p.stdout().readLine())));
    assertEquals("", str(await(p.stdout().readLine())));
  }

  @Test
  @Timeout(30)
  void readLineReturnsLinesThenThePartialLastLineThenEmpty() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "line1\\nline2\\nsome data");
    StreamReader out = p.stdout();

    assertEquals("line1\n", str(await(out.readLine())));
    assertEquals("line2\n", str(await(out.readLine())));
    assertEquals("some data", str(await(out.readLine())));
    assertEquals("", str(await(out.readLine())));
    assertTrue(out.atEof());
  }

  /** C28: EOF before readExactly is satisfied gives the partial bytes and the size asked for. */
  @Test
  @Timeout(30)
  void readExactlyPastEofFailsWithThePartialBytes() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "abc");

    ProcessException e = failure(p.stdout().readExactly(10));

    assertEquals(ErrorCode.INCOMPLETE_READ, e.code());
    IncompleteReadException incomplete = (IncompleteReadException) e;
    assertEquals("abc", str(incomplete.partial()));
    assertEquals(10, incomplete.expected());
    assertEquals("", str(await(p.stdout().read())));
  }

  /** C27: readExactly may ask for more than the limit (and more than twice it) on a real pipe. */
  @Test
  @Timeout(30)
  void readExactlyBeyondTheLimitCompletes() throws Exception {
    ChildProcess p = exec(stdoutPipe().setLimit(16), "head", "-c", "100", fixture.toString());

    Buffer first = await(p.stdout().readExactly(48));

    assertArrayEquals(Arrays.copyOf(fixtureBytes, 48), first.getBytes());
    assertArrayEquals(Arrays.copyOfRange(fixtureBytes, 48, 100), await(p.stdout().read()).getBytes());
    assertEquals(0, await(p.stdout().readExactly(0)).length());
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.stdout().readExactly(-1)).code());
  }

  /** C20: readUntil returns through the separator and leaves the rest. */
  @Test
  @Timeout(30)
  void readUntilReturnsThroughTheSeparator() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "lineAAAxxx");

    assertEquals("lineAAA", str(await(p.stdout().readUntil(buf("AAA")))));
    assertEquals("xxx", str(await(p.stdout().read())));
  }

  /** C22: EOF before the separator gives the partial bytes and no expected size; then EOF. */
  @Test
  @Timeout(30)
  void readUntilPastEofFailsWithThePartialBytes() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "some dataAA");

    ProcessException e = failure(p.stdout().readUntil(buf("AAA")));

    IncompleteReadException incomplete = (IncompleteReadException) e;
    assertEquals("some dataAA", str(incomplete.partial()));
    assertNull(incomplete.expected());
    assertEquals("", str(await(p.stdout().read())));
  }

  /** C23: an overrun keeps the data readable. */
  @Test
  @Timeout(30)
  void readUntilBeyondTheLimitKeepsTheData() throws Exception {
    ChildProcess p = exec(stdoutPipe().setLimit(3), "printf", "some dataAAA");
    await(p.waitFor()); // the whole output is buffered now: the overrun does not depend on chunking

    ProcessException e = failure(p.stdout().readUntil(buf("AAA")));

    assertEquals(ErrorCode.LIMIT_OVERRUN, e.code());
    assertTrue(((LimitOverrunException) e).consumed() > 3);
    assertEquals("some dataAAA", str(await(p.stdout().read())));
  }

  @Test
  @Timeout(30)
  void readUntilWithAnEmptySeparatorIsAnInvalidArgument() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "x");

    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.stdout().readUntil(Buffer.buffer())).code());
    assertEquals("x", str(await(p.stdout().read())));
  }

  /** C32: a second read while one waits fails with CONCURRENT_READ and takes no data. */
  @Test
  @Timeout(30)
  void aSecondReadWhileOneWaitsFailsWithConcurrentRead() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");
    Future<Buffer> first = p.stdout().readLine();

    assertEquals(ErrorCode.CONCURRENT_READ, failure(p.stdout().readLine()).code());

    await(p.stdin().write(buf("x\n")));
    assertEquals("x\n", str(await(first)));
    await(p.stdin().end());
    assertEquals("", str(await(p.stdout().read())));
  }

  @Test
  @Timeout(30)
  void readZeroCompletesAtOnceWithNothing() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");

    assertEquals(0, await(p.stdout().read(0), 5).length());
    await(p.stdin().end());
  }

  /** The ReadStream view: every byte goes to the handler, on the child's context, then the end handler once. */
  @Test
  @Timeout(30)
  void theReadStreamViewDeliversEveryByteThenTheEnd() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "head", "-c", "1048576", "/dev/zero");
    Context context = p.context();
    AtomicLong bytes = new AtomicLong();
    AtomicInteger offContext = new AtomicInteger();
    AtomicInteger ends = new AtomicInteger();
    Promise<Void> ended = Promise.promise();

    p.stdout().handler(b -> {
      if (Vertx.currentContext() != context) {
        offContext.incrementAndGet();
      }
      bytes.addAndGet(b.length());
    }).endHandler(v -> {
      ends.incrementAndGet();
      ended.complete();
    });

    await(ended.future());
    assertEquals(1048576, bytes.get());
    assertEquals(0, offContext.get(), "handler calls off the child's context");
    assertEquals(0, await(p.waitFor()));
    await(p.closed());
    assertEquals(1, ends.get());
  }

  /** A paused ReadStream gets nothing and keeps the buffer bounded while `yes` writes without end. */
  @Test
  @Timeout(30)
  void aPausedReadStreamStaysBoundedWhileTheChildKeepsWriting() throws Exception {
    int limit = 4096;
    ChildProcess p = exec(stdoutPipe().setLimit(limit), "yes");
    AtomicLong delivered = new AtomicLong();
    Promise<Void> ended = Promise.promise();
    StreamReader out = p.stdout();
    out.handler(b -> delivered.addAndGet(b.length())).endHandler(ended::complete);
    awaitCondition("yes output delivered", () -> delivered.get() > 0, Duration.ofSeconds(10));

    out.pause();
    long atPause = await(onContext(p.context(), delivered::get));
    AtomicInteger maxBuffered = new AtomicInteger();
    long sampler = vertx.setPeriodic(0, 2, t -> maxBuffered.accumulateAndGet(out.buffered(), Math::max));
    try {
      await(timer(500));
    } finally {
      vertx.cancelTimer(sampler);
    }

    assertEquals(atPause, delivered.get(), "the handler was called while paused");
    assertTrue(maxBuffered.get() <= 2 * limit + READ_CHUNK, "buffer grew to " + maxBuffered.get());
    out.resume();
    awaitCondition("delivery resumed", () -> delivered.get() > atPause + 1_000_000, Duration.ofSeconds(10));
    await(p.kill());
    await(ended.future());
    assertEquals(-9, await(p.waitFor()));
  }

  /**
   * Vert.x's Pipe sets the handler and then calls {@code resume()}: bytes delivered synchronously inside
   * {@code handler()} would let the Pipe's resume undo the pause their write asked for, so a second write
   * would hit a full stdin queue (STDIN_FULL). Like Vert.x's own streams, delivery starts in a later task.
   */
  @Test
  @Timeout(30)
  void settingAHandlerDeliversBufferedBytesOnlyAfterTheCurrentTask() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "buffered");
    await(p.waitFor()); // every byte is buffered now
    List<Buffer> delivered = new CopyOnWriteArrayList<>();
    Promise<Void> ended = Promise.promise();

    Integer deliveredInsideHandlerCall = await(onContext(p.context(), () -> {
      p.stdout().endHandler(ended::complete).handler(delivered::add);
      return delivered.size();
    }));

    assertEquals(0, deliveredInsideHandlerCall, "bytes were delivered inside handler()");
    await(ended.future());
    Buffer all = Buffer.buffer();
    delivered.forEach(all::appendBuffer);
    assertEquals("buffered", str(all));
  }

  /** The views compose: one child's stdout piped into another's stdin, with back-pressure both ways. */
  @Test
  @Timeout(30)
  void stdoutPipedIntoAnotherChildsStdinArrivesWhole() throws Exception {
    ChildProcess producer = exec(stdoutPipe().setLimit(1024), "cat", fixture.toString());
    ChildProcess consumer = exec(inOutPipes(), "cat");

    // set up on the producer's context, as a verticle would: handler() and resume() in one task
    Future<Void> piped = onContext(producer.context(), () -> producer.stdout().pipeTo(consumer.stdin()))
      .compose(f -> f);
    Buffer received = await(consumer.stdout().read());

    await(piped);
    assertArrayEquals(fixtureBytes, received.getBytes());
    assertEquals(0, await(producer.waitFor()));
    assertEquals(0, await(consumer.waitFor()));
  }

  @Test
  @Timeout(30)
  void threeMebibytesPipedIntoWcAreAllCounted() throws Exception {
    ChildProcess producer = shell("yes 0123456789abcde | head -c 3145728", stdoutPipe());
    ChildProcess counter = exec(inOutPipes(), "wc", "-c");

    // the pipe starts with the producer's reader full (paused above twice the limit)
    awaitCondition("producer output piled up", () -> producer.stdout().buffered() > 2 * StreamReader.DEFAULT_LIMIT,
      Duration.ofSeconds(10));
    onContext(producer.context(), () -> producer.stdout().pipeTo(counter.stdin()));

    assertEquals("3145728", str(await(counter.stdout().read())).trim());
    assertEquals(0, await(counter.waitFor()));
  }
}
