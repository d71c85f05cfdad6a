package io.procbus.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.IncompleteReadException;
import io.procbus.api.LimitOverrunException;
import io.procbus.api.ProcessException;
import io.procbus.api.StreamReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link StreamReaderImpl} against asyncio's {@code test_streams.py} (conformance section C), its
 * back-pressure rules (A15, 2.7) and its {@code ReadStream} view.
 *
 * <p>Most tests run wholly on the reader's context: a read whose data is fed completes during the feed,
 * so results are checked right after it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class StreamReaderImplTest {

  private static final String DATA = "line1\nline2\nline3\n";

  // ---- C1–C9: feed and read(n)

  @Test
  void feedingEmptyChunkIsNotEof(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      Future<Buffer> pending = r.read(5);
      r.feedData(Buffer.buffer());
      assertEquals(0, r.buffered());
      assertFalse(r.atEof());
      assertFalse(pending.isComplete());
    });
  }

  @Test
  void readZeroReturnsEmptyAtOnceAndKeepsBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      assertEquals("", ok(r.read(0)));
      r.feedData(b(DATA));
      assertEquals("", ok(r.read(0)));
      assertEquals(DATA.length(), r.buffered());
    });
  }

  @Test
  void readReturnsAvailableBytesWithoutWaitingForN(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      Future<Buffer> f = r.read(30);
      assertFalse(f.isComplete());
      r.feedData(b(DATA));
      assertEquals(DATA, ok(f));
      assertEquals(0, r.buffered());
    });
  }

  @Test
  void readReturnsAtMostNAndKeepsTheRest(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b("line1"));
      r.feedData(b("line2"));
      assertEquals("line1", ok(r.read(5)));
      assertEquals("line2", rest(r));
    });
  }

  @Test
  void pendingReadReturnsEmptyAtEof(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      Future<Buffer> f = r.read(1024);
      r.feedEof();
      assertEquals("", ok(f));
      assertTrue(r.atEof());
    });
  }

  @Test
  void readAllCollectsEveryChunkUntilEof(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      Future<Buffer> f = r.read();
      r.feedData(b("chunk1\n"));
      r.feedData(b("chunk2"));
      assertFalse(f.isComplete());
      r.feedEof();
      assertEquals("chunk1\nchunk2", ok(f));
    });
  }

  @Test
  void readFailsWithStoredExceptionEvenWithDataBuffered(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b(DATA));
      IllegalStateException error = new IllegalStateException("pipe broke");
      r.setException(error);
      assertSame(error, failed(r.read(2)));
      assertSame(error, failed(r.read()));
      assertSame(error, failed(r.read(0)));
    });
  }

  @Test
  void pendingReadFailsWhenExceptionIsSet(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      Future<Buffer> f = r.read(2);
      IllegalStateException error = new IllegalStateException("pipe broke");
      r.setException(error);
      assertSame(error, failed(f));
    });
  }

  @Test
  void constructorRejectsNonPositiveLimit(Vertx vertx, VertxTestContext tc) {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    ctx.runOnContext(v -> tc.verify(() -> {
      for (int limit : new int[] {0, -1}) {
        ProcessException e = assertThrows(ProcessException.class, () -> new StreamReaderImpl(ctx, limit, new RecordingFlow()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("imit"));
      }
      tc.completeNow();
    }));
  }

  @Test
  void readIsNotCappedByLimit(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 3, (r, flow) -> {
      r.feedData(b("chunk"));
      assertEquals("chunk", ok(r.read(5)));
      assertEquals(0, r.buffered());
    });
  }

  // ---- C10–C18: readLine

  @Test
  void readLineAssemblesLineFromChunks(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, StreamReader.DEFAULT_LIMIT, (r, flow) -> {
      Future<Buffer> f = r.readLine();
      r.feedData(b("chunk1 "));
      r.feedData(b("chunk2 "));
      r.feedData(b("chunk3 "));
      assertFalse(f.isComplete());
      r.feedData(b("\n chunk4"));
      assertEquals("chunk1 chunk2 chunk3 \n", ok(f));
      assertEquals(" chunk4", rest(r));
    });
  }

  @Test
  void readLineDiscardsWholeTooLongLineIncludingSeparator(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 3, (r, flow) -> {
      r.feedData(b("line1\nline2\n"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(r.readLine()));
      assertEquals("line2\n", rest(r));
    });
  }

  @Test
  void readLineClearsBufferWhenTooLongLineHasNoSeparator(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 3, (r, flow) -> {
      r.feedData(b("line1li"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(r.readLine()));
      assertEquals(0, r.buffered());
    });
  }

  @Test
  void atEofNeedsEofAndAnEmptyBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b("some data\n"));
      assertFalse(r.atEof());
      assertEquals("some data\n", ok(r.readLine()));
      assertFalse(r.atEof());
      r.feedData(b("some data\n"));
      r.feedEof();
      assertFalse(r.atEof());
      assertEquals("some data\n", ok(r.readLine()));
      assertTrue(r.atEof());
    });
  }

  @Test
  void readLineLimitExcludesTheSeparator(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 7, (r, flow) -> {
      r.feedData(b("1234567\n"));
      assertEquals("1234567\n", ok(r.readLine()));
      assertEquals(0, r.buffered());
    });
  }

  @Test
  void readLineAtLimitSevenFailsOnLongerLinesAndDiscardsThem(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 7, (r, flow) -> {
      // A long line with its separator, in one chunk: the buffer is emptied.
      Future<Buffer> f = r.readLine();
      r.feedData(b("chunk1chunk2chunk3\n"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(f));
      assertEquals(0, r.buffered());
      // The same line fed in pieces before reading.
      r.feedData(b("chunk1"));
      r.feedData(b("chunk2"));
      r.feedData(b("chunk3\n"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(r.readLine()));
      assertEquals(0, r.buffered());
      // Only the offending line goes.
      f = r.readLine();
      r.feedData(b("chunk1"));
      r.feedData(b("chunk2\n"));
      r.feedData(b("chunk3\n"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(f));
      assertEquals("chunk3\n", ok(r.readLine()));
      // One byte over the limit, with and without a separator.
      r.feedData(b("12345678\n"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(r.readLine()));
      assertEquals(0, r.buffered());
      r.feedData(b("12345678"));
      assertEquals(ErrorCode.LINE_TOO_LONG, code(r.readLine()));
      assertEquals(0, r.buffered());
    });
  }

  @Test
  void readLineReturnsBufferedLineWithoutWaiting(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, StreamReader.DEFAULT_LIMIT, (r, flow) -> {
      r.feedData(b(DATA));
      Future<Buffer> f = r.readLine();
      assertTrue(f.isComplete());
      assertEquals("line1\n", ok(f));
      assertEquals("line2\nline3\n", rest(r));
    });
  }

  @Test
  void readLineReturnsPartialLineAtEof(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b("some data"));
      Future<Buffer> f = r.readLine();
      assertFalse(f.isComplete());
      r.feedEof();
      assertEquals("some data", ok(f));
      assertTrue(r.atEof());
    });
  }

  @Test
  void readLineReturnsEmptyAtEofWithEmptyBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedEof();
      assertEquals("", ok(r.readLine()));
    });
  }

  @Test
  void readLineAndReadShareOneBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, StreamReader.DEFAULT_LIMIT, (r, flow) -> {
      r.feedData(b(DATA));
      assertEquals("line1\n", ok(r.readLine()));
      assertEquals("line2\nl", ok(r.read(7)));
      assertEquals("ine3\n", rest(r));
    });
  }

  @Test
  void readLineFailsWithStoredException(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b("line\n"));
      assertEquals("line\n", ok(r.readLine()));
      IllegalStateException error = new IllegalStateException();
      r.setException(error);
      assertSame(error, failed(r.readLine()));
      assertEquals(0, r.buffered());
    });
  }

  // ---- C19–C23: readUntil

  @Test
  void readUntilRejectsEmptySeparator(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b(DATA));
      assertEquals(ErrorCode.INVALID_ARGUMENT, code(r.readUntil(Buffer.buffer())));
      assertEquals(DATA.length(), r.buffered());
    });
  }

  @Test
  void readUntilReturnsThroughSeparatorAndKeepsTheRest(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b("lineAAA"));
      assertEquals("lineAAA", ok(r.readUntil(b("AAA"))));
      assertEquals(0, r.buffered());
      r.feedData(b("lineAAAxxx"));
      assertEquals("lineAAA", ok(r.readUntil(b("AAA"))));
      assertEquals("xxx", rest(r));
    });
  }

  @Test
  void readUntilFindsSeparatorSplitAcrossChunks(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      List<List<String>> cases = List.of(
        List.of("QWEaa", "XYaa", "a"),
        List.of("QWEaa", "XYa", "aa"),
        List.of("XXX", "a", "a", "a"));
      List<String> expected = List.of("QWEaaXYaaa", "QWEaaXYaaa", "XXXaaa");
      for (int i = 0; i < cases.size(); i++) {
        // Waiting while the chunks arrive...
        Future<Buffer> f = r.readUntil(b("aaa"));
        cases.get(i).forEach(chunk -> r.feedData(b(chunk)));
        assertEquals(expected.get(i), ok(f));
        assertEquals(0, r.buffered());
        // ...and with all of them buffered first.
        cases.get(i).forEach(chunk -> r.feedData(b(chunk)));
        assertEquals(expected.get(i), ok(r.readUntil(b("aaa"))));
        assertEquals(0, r.buffered());
      }
    });
  }

  @Test
  void readUntilAtEofFailsWithIncompleteReadAndEmptiesBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b("some dataAA"));
      r.feedEof();
      Throwable err = failed(r.readUntil(b("AAA")));
      IncompleteReadException e = assertInstanceOf(IncompleteReadException.class, err);
      assertEquals(ErrorCode.INCOMPLETE_READ, e.code());
      assertEquals("some dataAA", e.partial().toString());
      assertNull(e.expected());
      assertTrue(e.getMessage().contains("undefined expected bytes"));
      assertEquals(0, r.buffered());
      assertEquals("", ok(r.read()));
    });
  }

  @Test
  void readUntilOverrunKeepsDataAndReportsConsumed(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 3, (r, flow) -> {
      r.feedData(b("some dataAA"));
      LimitOverrunException e = assertInstanceOf(LimitOverrunException.class, failed(r.readUntil(b("AAA"))));
      assertEquals(ErrorCode.LIMIT_OVERRUN, e.code());
      assertTrue(e.getMessage().contains("not found"));
      assertEquals(9, e.consumed());
      assertEquals(11, r.buffered());
      r.feedData(b("A"));
      e = assertInstanceOf(LimitOverrunException.class, failed(r.readUntil(b("AAA"))));
      assertTrue(e.getMessage().contains("is found"));
      assertEquals(9, e.consumed());
      assertEquals("some dataAAA", rest(r));
    });
  }

  @Test
  void readUntilOverrunWithoutSeparatorConsumedCountsWholeBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 8, (r, flow) -> {
      Future<Buffer> f = r.readUntil(b("\n"));
      r.feedData(b("123456"));
      assertFalse(f.isComplete());
      r.feedData(b("789abc"));
      LimitOverrunException e = assertInstanceOf(LimitOverrunException.class, failed(f));
      assertEquals(12, e.consumed());
      assertEquals("123456789abc", rest(r));
    });
  }

  // ---- C25–C28: readExactly

  @Test
  void readExactlyZeroReturnsEmptyAndKeepsBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b(DATA));
      assertEquals("", ok(r.readExactly(0)));
      assertEquals(DATA.length(), r.buffered());
    });
  }

  @Test
  void readExactlyNegativeIsInvalidAndKeepsBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b(DATA));
      assertEquals(ErrorCode.INVALID_ARGUMENT, code(r.readExactly(-1)));
      assertEquals(DATA.length(), r.buffered());
    });
  }

  @Test
  void readExactlyWaitsForAllBytes(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, StreamReader.DEFAULT_LIMIT, (r, flow) -> {
      Future<Buffer> f = r.readExactly(2 * DATA.length());
      r.feedData(b(DATA));
      assertFalse(f.isComplete());
      r.feedData(b(DATA));
      r.feedData(b(DATA));
      assertEquals(DATA + DATA, ok(f));
      assertEquals(DATA, rest(r));
    });
  }

  @Test
  void readExactlyMayExceedLimit(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 3, (r, flow) -> {
      Future<Buffer> f = r.readExactly(5);
      r.feedData(b("chunk"));
      assertEquals("chunk", ok(f));
      assertEquals(0, r.buffered());
    });
  }

  @Test
  void readExactlyAtEofFailsWithIncompleteReadAndEmptiesBuffer(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, StreamReader.DEFAULT_LIMIT, (r, flow) -> {
      Future<Buffer> f = r.readExactly(2 * DATA.length());
      r.feedData(b(DATA));
      r.feedEof();
      IncompleteReadException e = assertInstanceOf(IncompleteReadException.class, failed(f));
      assertEquals(ErrorCode.INCOMPLETE_READ, e.code());
      assertEquals(DATA, e.partial().toString());
      assertEquals(36, e.expected());
      assertEquals("18 bytes read on a total of 36 expected bytes", e.getMessage());
      assertEquals(0, r.buffered());
      assertTrue(r.atEof());
    });
  }

  @Test
  void readExactlyFailsWithStoredException(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b(DATA));
      IllegalStateException error = new IllegalStateException();
      r.setException(error);
      assertSame(error, failed(r.readExactly(2)));
    });
  }

  // ---- C30–C32: errors, EOF through a pipe, concurrent reads

  @Test
  void exceptionReturnsStoredErrorAndFailsWaitingAndLaterReads(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      assertNull(r.exception());
      Future<Buffer> line = r.readLine();
      IllegalStateException error = new IllegalStateException("pipe broke");
      r.setException(error);
      assertSame(error, r.exception());
      assertSame(error, failed(line));
      assertSame(error, failed(r.readLine()));
      assertSame(error, failed(r.readUntil(b("x"))));
    });
  }

  @Test
  void readAllWithLimitOneReturnsEverything(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 1, (r, flow) -> {
      r.feedData(b("data"));
      assertEquals(List.of("pause"), flow.calls);
      Future<Buffer> f = r.read();
      assertEquals(List.of("pause", "resume"), flow.calls);
      r.feedEof();
      assertEquals("data", ok(f));
    });
  }

  @Test
  void readAllOfOneMebibyteWithSmallLimitResumesPausedPipe(Vertx vertx, VertxTestContext tc) {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      FakePipe pipe = new FakePipe(ctx, pattern(1 << 20), 4096);
      StreamReaderImpl r = new StreamReaderImpl(ctx, 16, pipe);
      pipe.reader = r;
      pipe.pump();
      tc.verify(() -> assertTrue(r.isReadingPaused()));
      r.read().onComplete(tc.succeeding(all -> tc.verify(() -> {
        assertSame(ctx, Vertx.currentContext());
        assertTrue(Arrays.equals(pipe.data, all.getBytes()));
        assertEquals(1, pipe.pauses);
        assertEquals(1, pipe.resumes);
        assertEquals(0, pipe.violations);
        tc.completeNow();
      })));
    });
  }

  @Test
  void secondReadWhileOneIsWaitingFailsWithConcurrentRead(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      Future<Buffer> first = r.readLine();
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.readLine()));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.read(1)));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.readExactly(1)));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.readUntil(b("x"))));
      r.feedData(b("one\ntwo\n"));
      assertEquals("one\n", ok(first));
      assertEquals("two\n", ok(r.readLine()));
    });
  }

  @Test
  void readsThatCompleteAtOnceNeverConflict(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 16, (r, flow) -> {
      r.feedData(b(DATA));
      Future<Buffer> first = r.readLine();
      Future<Buffer> second = r.readLine();
      Future<Buffer> third = r.readExactly(6);
      assertEquals("line1\n", ok(first));
      assertEquals("line2\n", ok(second));
      assertEquals("line3\n", ok(third));
    });
  }

  // ---- back-pressure (A15, 2.7)

  @Test
  void pausesAboveTwiceLimitAndResumesAtOrBelowLimit(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      r.feedData(b("x".repeat(20)));
      assertFalse(r.isReadingPaused());
      r.feedData(b("x"));
      assertTrue(r.isReadingPaused());
      r.feedData(b("x"));
      assertEquals(List.of("pause"), flow.calls);
      assertEquals(11, ok(r.read(11)).length());
      assertEquals(List.of("pause"), flow.calls);
      assertEquals(1, ok(r.read(1)).length());
      assertEquals(List.of("pause", "resume"), flow.calls);
      assertFalse(r.isReadingPaused());
    });
  }

  @Test
  void readExactlyBeyondTwiceLimitResumesPausedPipe(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      r.feedData(b("x".repeat(21)));
      assertEquals(List.of("pause"), flow.calls);
      Future<Buffer> f = r.readExactly(30);
      assertFalse(f.isComplete());
      assertEquals(List.of("pause", "resume"), flow.calls);
      r.feedData(b("y".repeat(9)));
      assertEquals("x".repeat(21) + "y".repeat(9), ok(f));
      assertEquals(List.of("pause", "resume"), flow.calls);
    });
  }

  @Test
  void readExactlyOfThreeLimitsCompletesOnPausingPipe(Vertx vertx, VertxTestContext tc) {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      FakePipe pipe = new FakePipe(ctx, pattern(5000), 256);
      StreamReaderImpl r = new StreamReaderImpl(ctx, 1024, pipe);
      pipe.reader = r;
      pipe.schedule();
      pipe.onPause = () -> r.readExactly(3 * 1024).onComplete(tc.succeeding(got -> tc.verify(() -> {
        assertTrue(Arrays.equals(Arrays.copyOf(pipe.data, 3 * 1024), got.getBytes()));
        assertTrue(pipe.resumes >= 1);
        assertEquals(0, pipe.violations);
        tc.completeNow();
      })));
    });
  }

  @Test
  void pipeIsNotResumedAfterEof(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      r.feedData(b("x".repeat(21)));
      r.feedEof();
      assertEquals(21, ok(r.read()).length());
      assertEquals(List.of("pause"), flow.calls);
      assertTrue(r.atEof());
    });
  }

  @Test
  void feedingAfterEofIsRejected(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      r.feedEof();
      assertThrows(IllegalStateException.class, () -> r.feedData(b("late")));
    });
  }

  // ---- threads

  @Test
  void readFromAnotherThreadCompletesOnContext(Vertx vertx, VertxTestContext tc) throws Exception {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    CompletableFuture<StreamReaderImpl> made = new CompletableFuture<>();
    ctx.runOnContext(v -> made.complete(new StreamReaderImpl(ctx, 16, new RecordingFlow())));
    StreamReaderImpl r = made.get(5, TimeUnit.SECONDS);
    assertFalse(ctx.inThread());
    r.readLine().onComplete(tc.succeeding(line -> tc.verify(() -> {
      assertSame(ctx, Vertx.currentContext());
      assertEquals("hello\n", line.toString());
      tc.completeNow();
    })));
    ctx.runOnContext(v -> {
      r.feedData(b("hel"));
      r.feedData(b("lo\nworld"));
    });
  }

  @Test
  void readOfBufferedDataFromAnotherThreadCompletesOnContext(Vertx vertx, VertxTestContext tc) throws Exception {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    CompletableFuture<StreamReaderImpl> made = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      StreamReaderImpl r = new StreamReaderImpl(ctx, 16, new RecordingFlow());
      r.feedData(b(DATA));
      made.complete(r);
    });
    StreamReaderImpl r = made.get(5, TimeUnit.SECONDS);
    assertEquals(DATA.length(), r.buffered());
    r.readExactly(6).onComplete(tc.succeeding(got -> tc.verify(() -> {
      assertSame(ctx, Vertx.currentContext());
      assertEquals("line1\n", got.toString());
      tc.completeNow();
    })));
  }

  @Test
  void handlerSetFromAnotherThreadRunsOnContext(Vertx vertx, VertxTestContext tc) throws Exception {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    CompletableFuture<StreamReaderImpl> made = new CompletableFuture<>();
    ctx.runOnContext(v -> made.complete(new StreamReaderImpl(ctx, 16, new RecordingFlow())));
    StreamReaderImpl r = made.get(5, TimeUnit.SECONDS);
    Buffer received = Buffer.buffer();
    r.endHandler(v -> tc.verify(() -> {
      assertSame(ctx, Vertx.currentContext());
      assertEquals("abc", received.toString());
      tc.completeNow();
    }));
    r.handler(chunk -> tc.verify(() -> {
      assertSame(ctx, Vertx.currentContext());
      received.appendBuffer(chunk);
    }));
    ctx.runOnContext(v -> {
      r.feedData(b("ab"));
      r.feedData(b("c"));
      r.feedEof();
    });
  }

  // ---- ReadStream view

  @Test
  void streamHandlerGetsBufferedBytesFirstThenFedChunksUnchanged(Vertx vertx, VertxTestContext tc) {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    ctx.runOnContext(v -> tc.verify(() -> {
      RecordingFlow flow = new RecordingFlow();
      StreamReaderImpl r = new StreamReaderImpl(ctx, 10, flow);
      r.feedData(b("ab"));
      r.feedData(b("cd"));
      List<Buffer> received = new ArrayList<>();
      r.handler(chunk -> {
        assertSame(ctx, Vertx.currentContext());
        received.add(chunk);
      });
      // not inside handler(): Vert.x's Pipe calls resume() right after it, which must not undo a pause
      assertEquals(List.of(), strings(received));
      ctx.runOnContext(v2 -> tc.verify(() -> {
        assertEquals(List.of("abcd"), strings(received));
        Buffer chunk = b("x".repeat(100));
        r.feedData(chunk);
        assertSame(chunk, received.get(1));
        r.feedData(b("ef"));
        assertEquals(List.of("abcd", "x".repeat(100), "ef"), strings(received));
        assertEquals(0, r.buffered());
        assertEquals(List.of(), flow.calls);
        tc.completeNow();
      }));
    }));
  }

  @Test
  void pausedStreamBuffersAndPausesPipeThenResumeDeliversAndResumesPipe(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      List<Buffer> received = new ArrayList<>();
      r.handler(received::add);
      r.pause();
      r.feedData(b("a".repeat(11)));
      r.feedData(b("b".repeat(11)));
      assertEquals(List.of(), received);
      assertEquals(22, r.buffered());
      assertEquals(List.of("pause"), flow.calls);
      r.resume();
      assertEquals(List.of("a".repeat(11) + "b".repeat(11)), strings(received));
      assertEquals(0, r.buffered());
      assertEquals(List.of("pause", "resume"), flow.calls);
      r.feedData(b("c"));
      assertEquals("c", received.get(1).toString());
    });
  }

  @Test
  void fetchDeliversOneChunkPerUnitOfDemand(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      List<Buffer> received = new ArrayList<>();
      r.pause();
      r.handler(received::add);
      r.feedData(b("a"));
      r.feedData(b("b"));
      assertEquals(List.of(), received);
      r.fetch(1);
      assertEquals(List.of("ab"), strings(received));
      r.feedData(b("c"));
      assertEquals(1, r.buffered());
      r.fetch(2);
      assertEquals(List.of("ab", "c"), strings(received));
      r.feedData(b("d"));
      r.feedData(b("e"));
      assertEquals(List.of("ab", "c", "d"), strings(received));
      assertEquals(1, r.buffered());
    });
  }

  @Test
  void handlerPausingItselfStopsFurtherDelivery(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      List<Buffer> received = new ArrayList<>();
      r.handler(chunk -> {
        received.add(chunk);
        r.pause();
      });
      r.feedData(b("a"));
      r.feedData(b("b"));
      assertEquals(List.of("a"), strings(received));
      assertEquals(1, r.buffered());
    });
  }

  @Test
  void endHandlerRunsOnceAfterEofWhenBufferIsDrainedAndDemanded(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      List<String> events = new ArrayList<>();
      r.endHandler(v -> events.add("end"));
      r.handler(chunk -> events.add(chunk.toString()));
      r.pause();
      r.feedData(b("x"));
      r.feedEof();
      assertEquals(List.of(), events);
      r.fetch(1);
      assertEquals(List.of("x"), events);
      r.fetch(1);
      assertEquals(List.of("x", "end"), events);
      r.resume();
      r.feedEof();
      assertEquals(List.of("x", "end"), events);
    });
  }

  @Test
  void readsFailWithConcurrentReadWhileHandlerIsSet(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      r.handler(chunk -> { });
      r.pause();
      r.feedData(b("line\n"));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.read(1)));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.read()));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.readLine()));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.readExactly(1)));
      assertEquals(ErrorCode.CONCURRENT_READ, code(r.readUntil(b("\n"))));
      r.handler(null);
      assertEquals("line\n", ok(r.readLine()));
    });
  }

  @Test
  void settingHandlerFailsWaitingRead(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      Future<Buffer> f = r.readLine();
      List<Buffer> received = new ArrayList<>();
      r.handler(received::add);
      assertEquals(ErrorCode.CONCURRENT_READ, code(f));
      r.feedData(b("a\n"));
      assertEquals(List.of("a\n"), strings(received));
    });
  }

  @Test
  void exceptionHandlerReceivesStoredErrorAndDeliveryStops(Vertx vertx, VertxTestContext tc) {
    onContext(vertx, tc, 10, (r, flow) -> {
      List<Object> events = new ArrayList<>();
      r.exceptionHandler(events::add);
      r.endHandler(v -> events.add("end"));
      r.handler(chunk -> events.add(chunk.toString()));
      r.feedData(b("a"));
      IllegalStateException error = new IllegalStateException();
      r.setException(error);
      r.feedData(b("b"));
      r.feedEof();
      assertEquals(List.of("a", error), events);
    });
  }

  @Test
  void pausedStreamOnPausingPipeStaysBoundedAndDeliversEveryByteInOrder(Vertx vertx, VertxTestContext tc) {
    ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      int limit = 1024;
      int chunk = 512;
      FakePipe pipe = new FakePipe(ctx, pattern(256 * 1024), chunk);
      StreamReaderImpl r = new StreamReaderImpl(ctx, limit, pipe);
      pipe.reader = r;
      Buffer received = Buffer.buffer();
      int[] ends = new int[1];
      r.pause();
      r.endHandler(x -> {
        ends[0]++;
        tc.verify(() -> {
          assertTrue(Arrays.equals(pipe.data, received.getBytes()));
          assertTrue(pipe.maxBuffered <= 2 * limit + chunk, "buffered " + pipe.maxBuffered);
          assertTrue(pipe.pauses >= 1);
          assertEquals(pipe.pauses, pipe.resumes);
          assertEquals(0, pipe.violations);
          assertEquals(1, ends[0]);
          tc.completeNow();
        });
      });
      r.handler(buf -> {
        received.appendBuffer(buf);
        // A slow consumer: ask for the next chunk only on a later turn of the event loop.
        ctx.runOnContext(x -> r.fetch(1));
      });
      pipe.onPause = () -> r.fetch(1);
      pipe.schedule();
    });
  }

  // ---- fixtures

  /** The reader's calls on its pipe, in order. */
  private static final class RecordingFlow implements StreamReaderImpl.FlowControl {

    final List<String> calls = new ArrayList<>();

    @Override
    public void pauseReading() {
      calls.add("pause");
    }

    @Override
    public void resumeReading() {
      calls.add("resume");
    }
  }

  /**
   * A pipe as the engine drives one: one chunk per event-loop turn while not paused, then EOF. Breaches
   * of the flow contract are counted in {@code violations}.
   */
  private static final class FakePipe implements StreamReaderImpl.FlowControl {

    final ContextInternal ctx;
    final byte[] data;
    final int chunk;
    StreamReaderImpl reader;
    Runnable onPause;
    int pos;
    boolean paused;
    boolean scheduled;
    boolean eofFed;
    int pauses;
    int resumes;
    int violations;
    int maxBuffered;

    FakePipe(ContextInternal ctx, byte[] data, int chunk) {
      this.ctx = ctx;
      this.data = data;
      this.chunk = chunk;
    }

    @Override
    public void pauseReading() {
      if (paused || eofFed) {
        violations++;
      }
      paused = true;
      pauses++;
      if (onPause != null) {
        Runnable r = onPause;
        onPause = null;
        ctx.runOnContext(v -> r.run());
      }
    }

    @Override
    public void resumeReading() {
      if (!paused || eofFed) {
        violations++;
      }
      paused = false;
      resumes++;
      schedule();
    }

    void schedule() {
      if (!scheduled) {
        scheduled = true;
        ctx.runOnContext(v -> {
          scheduled = false;
          pump();
        });
      }
    }

    void pump() {
      if (paused || eofFed) {
        return;
      }
      if (pos < data.length) {
        int n = Math.min(chunk, data.length - pos);
        reader.feedData(Buffer.buffer(Arrays.copyOfRange(data, pos, pos + n)));
        pos += n;
        maxBuffered = Math.max(maxBuffered, reader.buffered());
        schedule();
      } else {
        eofFed = true;
        reader.feedEof();
      }
    }
  }

  @FunctionalInterface
  private interface Body {
    void run(StreamReaderImpl reader, RecordingFlow flow) throws Throwable;
  }

  /** Runs {@code body} on an event-loop context with a new reader; the test passes when it returns. */
  private static void onContext(Vertx vertx, VertxTestContext tc, int limit, Body body) {
    onContext((ContextInternal) vertx.getOrCreateContext(), tc, limit, body);
  }

  private static void onContext(ContextInternal ctx, VertxTestContext tc, int limit, Body body) {
    ctx.runOnContext(v -> tc.verify(() -> {
      RecordingFlow flow = new RecordingFlow();
      body.run(new StreamReaderImpl(ctx, limit, flow), flow);
      tc.completeNow();
    }));
  }

  private static Buffer b(String s) {
    return Buffer.buffer(s);
  }

  private static byte[] pattern(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i * 31 + i / 251);
    }
    return bytes;
  }

  private static List<String> strings(List<Buffer> buffers) {
    List<String> out = new ArrayList<>();
    buffers.forEach(buf -> out.add(buf.toString()));
    return out;
  }

  /** The value of a future that must have succeeded already, as a string. */
  private static String ok(Future<Buffer> f) {
    assertTrue(f.isComplete(), "still pending");
    assertTrue(f.succeeded(), () -> "failed: " + f.cause());
    return f.result().toString();
  }

  /** The failure of a future that must have failed already. */
  private static Throwable failed(Future<?> f) {
    assertTrue(f.isComplete(), "still pending");
    assertTrue(f.failed(), () -> "succeeded with " + f.result());
    return f.cause();
  }

  private static ErrorCode code(Future<?> f) {
    return assertInstanceOf(ProcessException.class, failed(f)).code();
  }

  /** Everything buffered now, which must not be empty. */
  private static String rest(StreamReaderImpl r) {
    assertTrue(r.buffered() > 0, "buffer is empty");
    return ok(r.read(Integer.MAX_VALUE));
  }
}
