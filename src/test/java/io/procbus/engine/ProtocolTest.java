package io.procbus.engine;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ReadPipeTransport;
import io.procbus.api.Signal;
import io.procbus.api.Stdio;
import io.procbus.api.SubprocessTransport;
import io.procbus.api.WritePipeTransport;
import io.procbus.engine.RecordingProtocol.Event;
import io.procbus.engine.RecordingProtocol.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The low-level API ({@code subprocessExec}/{@code subprocessShell} with a {@link RecordingProtocol}) against
 * real children: conformance B1–B14, A1, A25, A26, A36 and Part 2.15/2.16, the pipe transports and the
 * context callbacks run on.
 *
 * <p>The suite runs against the in-JVM engine; a subclass overrides {@link #createEngine} to run it against
 * another {@link ProcessEngine} (the bus client: {@code io.procbus.client.RemoteProtocolTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ProtocolTest {

  /** Upper bound of every single await; the per-test {@code @Timeout} bounds the whole test. */
  private static final long AWAIT_SECONDS = 10;
  /**
   * Bytes written to a {@code cat} whose stdout is paused: more than its stdin pipe, its buffer and the
   * largest stdout pipe Linux allows (1 MiB) hold, so part of the write must wait in the queue.
   */
  private static final int HELD_WRITE = 4 << 20;
  private static final String ECHO2 = "x=$(head -c 4); printf \"OUT:%s\" \"$x\"; printf \"ERR:%s\" \"$x\" >&2";
  private static final String ECHO3 = "trap \"\" PIPE; while IFS= read -r l; do "
    + "printf \"OUT:%s\\n\" \"$l\" 2>/dev/null || printf \"ERR:EPIPE\" >&2; done";

  private static Vertx vertx;
  private static ProcessEngine engine;

  /** The engine under test, created once per class on {@code vertx}. */
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    return ProcessEngine.create(vertx);
  }

  @BeforeAll
  void startVertx() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    assertTrue(vertx.isNativeTransportEnabled(), "the engine needs the native epoll transport");
    engine = createEngine(vertx);
  }

  @AfterAll
  void closeVertx() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  // --- B: test_events.py SubprocessTestsMixin

  /** B1. */
  @Test
  @Timeout(20)
  void catEchoesWrittenBytesAndCloseKillsIt() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "cat"));
      assertNull(t.returnCode());
      await(write(t, "Python The Winner"));
      await(p.dataEquals(1, "Python The Winner"));
      t.close();
      await(p.lost());
      assertEquals(-9, t.returnCode());
      assertEquals(Signal.KILL.number(), t.exitStatus().signal());
      assertAllPipesLostCleanly(p);
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /** B2: neither direction waits for a newline, EOF or a full buffer. */
  @Test
  @Timeout(20)
  void bytesAreForwardedIncrementallyInBothDirections() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "cat"));
      await(write(t, "Python "));
      assertEquals("Python ", await(p.dataEquals(1, "Python ")).toString());
      await(write(t, "The Winner"));
      assertEquals("Python The Winner", await(p.dataEquals(1, "Python The Winner")).toString());
      t.close();
      await(p.lost());
      assertEquals(-9, t.returnCode());
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /** B3. */
  @Test
  @Timeout(20)
  void shellEchoLosesAllThreePipesOnceAndExitsZero() throws Exception {
    RecordingProtocol p = new RecordingProtocol().onMade(t -> t.pipe(0).close());
    SubprocessTransport t = await(engine.subprocessShell(p, "echo Python", new ProcessOptions()));
    await(p.lost());
    assertEquals(0, t.returnCode());
    assertEquals("Python\n", p.data(1).toString());
    assertEquals(0, p.byteCount(2));
    assertEquals(-1, p.indexOf(Kind.DATA, 2), "no data event on stderr: " + p.events());
    assertAllPipesLostCleanly(p);
    p.assertComplete();
  }

  /** B4. */
  @Test
  @Timeout(20)
  void shellExitCodeIsReportedWithAllStreamsInherited() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(engine.subprocessShell(p, "exit 7", allStreams(Stdio::inherit)));
    await(p.lost());
    assertEquals(7, t.returnCode());
    assertEquals(List.of(Kind.MADE, Kind.EXITED, Kind.LOST), p.kinds());
    p.assertComplete();
  }

  /** B5 and 2.16: no pipe transport for an inherited stream; close() after the end changes nothing. */
  @Test
  @Timeout(20)
  void inheritedStreamsHaveNoPipeAndCloseAfterFinishIsANoOp() throws Exception {
    assertNoPipesAndQuietCloseAfterFinish(allStreams(Stdio::inherit));
  }

  /** B5 for DEVNULL. */
  @Test
  @Timeout(20)
  void devnullStreamsHaveNoPipeAndCloseAfterFinishIsANoOp() throws Exception {
    assertNoPipesAndQuietCloseAfterFinish(allStreams(Stdio::devNull));
  }

  private void assertNoPipesAndQuietCloseAfterFinish(ProcessOptions options) throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(engine.subprocessShell(p, "exit 3", options));
    for (int fd = 0; fd < 3; fd++) {
      assertNull(t.pipe(fd), "pipe(" + fd + ")");
    }
    await(p.lost());
    List<Event> before = p.events();
    assertFalse(t.isClosing());
    onContext(p.context(), () -> {
      t.close();
      t.close();
      return null;
    });
    assertTrue(t.isClosing());
    assertEquals(3, t.returnCode());
    assertEquals(before, p.events(), "close() after the end must not call the protocol");
    p.assertComplete();
  }

  /** B6. */
  @Test
  @Timeout(20)
  void killEndsTheChildWithMinusNine() throws Exception {
    assertSignalledReturnCode(SubprocessTransport::kill, -9);
  }

  /** B7. */
  @Test
  @Timeout(20)
  void terminateEndsTheChildWithMinusFifteen() throws Exception {
    assertSignalledReturnCode(SubprocessTransport::terminate, -15);
  }

  /** B8: the child gets SIGHUP's default action even if the JVM ignores it (nohup). */
  @Test
  @Timeout(20)
  void sendSignalHupEndsTheChildWithMinusOne() throws Exception {
    assertSignalledReturnCode(t -> t.sendSignal(Signal.HUP.number()), -1);
  }

  private void assertSignalledReturnCode(Function<SubprocessTransport, Future<Void>> send,
                                         int expected) throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sleep", "3600"));
      assertNull(t.returnCode());
      await(send.apply(t));
      await(p.lost());
      assertEquals(expected, t.returnCode());
      assertEquals(-expected, t.exitStatus().signal());
      assertNull(t.exitStatus().code());
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /** B9. */
  @Test
  @Timeout(20)
  void stdoutAndStderrArriveOnTheirOwnPipes() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(exec(p, new ProcessOptions(), "sh", "-c", ECHO2));
    await(write(t, "test"));
    await(p.lost());
    assertEquals("OUT:test", p.data(1).toString());
    assertTrue(p.data(2).toString().startsWith("ERR:test"), p.data(2).toString());
    assertEquals(0, t.returnCode());
    p.assertComplete();
  }

  /** B10 and 2.9. */
  @Test
  @Timeout(20)
  void stderrMergedIntoStdoutHasNoPipeOfItsOwn() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(exec(p, new ProcessOptions().setStderr(Stdio.stdout()), "sh", "-c", ECHO2));
    assertNotNull(t.pipe(1));
    assertNull(t.pipe(2));
    await(write(t, "test"));
    await(p.lost());
    assertEquals("OUT:testERR:test", p.data(1).toString());
    assertEquals(-1, p.indexOf(Kind.DATA, 2));
    assertEquals(-1, p.indexOf(Kind.PIPE_LOST, 2));
    assertEquals(0, t.returnCode());
    p.assertComplete();
  }

  /** B11: the read end is really closed, so the child's next write fails with EPIPE. */
  @Test
  @Timeout(20)
  void closingTheStdoutPipeMakesTheChildsWritesFailWithEpipe() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sh", "-c", ECHO3));
      await(write(t, "test\n"));
      await(p.dataEquals(1, "OUT:test\n"));
      ReadPipeTransport out = (ReadPipeTransport) t.pipe(1);
      onContext(p.context(), () -> {
        out.close();
        return null;
      });
      assertTrue(p.indexOf(Kind.PIPE_LOST, 1) >= 0, "pipeConnectionLost(1) at close: " + p.events());
      assertNull(p.pipeLostError(1));
      assertTrue(out.isClosing());
      assertFalse(out.isReading());
      await(write(t, "xxx\n"));
      assertEquals("ERR:EPIPE", await(p.dataEquals(2, "ERR:EPIPE")).toString());
      t.close();
      await(p.lost());
      assertEquals(-9, t.returnCode());
      assertEquals("OUT:test\n", p.data(1).toString());
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /** B12: the reaper finds a child in another session and process group. */
  @Test
  @Timeout(20)
  void childInANewSessionIsStillReaped() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(engine.subprocessShell(p, "exit 7", allStreams(Stdio::devNull).setNewSession(true)));
    await(p.lost());
    assertEquals(7, t.returnCode());
    p.assertComplete();
  }

  /** B13 (Java has no text-mode, bufsize or shell flags to misuse: these are the arguments it does have). */
  @Test
  @Timeout(20)
  void invalidExecArgumentsFailWithInvalidArgumentAndStartNothing() throws Exception {
    int live = engine.liveCount();
    assertInvalidExec(new ProcessOptions().setLimit(0), "cat");
    assertInvalidExec(new ProcessOptions().setLimit(-1), "cat");
    assertInvalidExec(new ProcessOptions(), (String[]) null);
    assertInvalidExec(new ProcessOptions());
    assertInvalidExec(new ProcessOptions(), "echo", null);
    assertInvalidExec(new ProcessOptions(), "");
    assertInvalidExec(new ProcessOptions().setStdout(Stdio.stdout()), "cat");
    assertInvalidExec(new ProcessOptions().setStdin(Stdio.stdout()), "cat");
    assertInvalidExec(new ProcessOptions(), "echo", "a\0b");
    assertInvalidExec(new ProcessOptions(), "ech\0o");
    assertInvalidExec(new ProcessOptions().addEnv("A=B", "x"), "true");
    assertInvalidExec(new ProcessOptions().setStdout(Stdio.file(null)), "true");
    assertInvalidExec(null, "true");
    RecordingProtocol unused = new RecordingProtocol();
    assertEquals(ErrorCode.INVALID_ARGUMENT,
      failureOf(() -> engine.subprocessExec(null, List.of("true"), new ProcessOptions())).code());
    assertEquals(List.of(), unused.events());
    assertEquals(live, engine.liveCount());
  }

  private void assertInvalidExec(ProcessOptions options, String... argv) throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    List<String> list = argv == null ? null : Arrays.asList(argv);
    ProcessException e = failureOf(() -> engine.subprocessExec(p, list, options));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), list + " " + options + ": " + e);
    assertEquals(List.of(), p.events(), "no callback for a refused spawn");
  }

  /** B14 (a list cannot be passed as a shell command in Java: null, NUL and bad options can). */
  @Test
  @Timeout(20)
  void invalidShellArgumentsFailWithInvalidArgumentAndStartNothing() throws Exception {
    int live = engine.liveCount();
    assertInvalidShell(null, new ProcessOptions());
    assertInvalidShell("echo a\0b", new ProcessOptions());
    assertInvalidShell("true", new ProcessOptions().setLimit(0));
    assertInvalidShell("true", new ProcessOptions().setStdout(Stdio.stdout()));
    assertInvalidShell("true", null);
    assertEquals(ErrorCode.INVALID_ARGUMENT,
      failureOf(() -> engine.subprocessShell(null, "true", new ProcessOptions())).code());
    assertEquals(live, engine.liveCount());
  }

  private void assertInvalidShell(String command, ProcessOptions options) throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    ProcessException e = failureOf(() -> engine.subprocessShell(p, command, options));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), command + " " + options + ": " + e);
    assertEquals(List.of(), p.events(), "no callback for a refused spawn");
  }

  /** B14: exec never splits a command line; the whole string is the program name. */
  @Test
  @Timeout(20)
  void execTreatsAOneStringCommandLineAsTheProgramName() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    ProcessException e = failureOf(() -> exec(p, new ProcessOptions(), "echo hello"));
    assertEquals(ErrorCode.SPAWN_FAILED, e.code());
    assertEquals(2, e.errno(), "ENOENT: " + e);
    assertEquals(List.of(), p.events());
  }

  // --- A: test_subprocess.py

  /** A1 and 2.3: after the exit every signal verb fails with PROCESS_LOOKUP; close() twice is fine. */
  @Test
  @Timeout(20)
  void exitedChildRefusesSignalsAndCloseIsIdempotent() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(exec(p, allStreams(Stdio::devNull), "sh", "-c", "exit 6"));
    await(p.lost());
    assertEquals(List.of(Kind.MADE, Kind.EXITED, Kind.LOST), p.kinds());
    assertNull(p.events().get(2).error(), "connectionLost(null)");
    assertEquals(6, t.returnCode());
    assertFalse(t.isClosing());
    assertEquals(ErrorCode.PROCESS_LOOKUP, failureOf(() -> t.sendSignal(Signal.TERM.number())).code());
    assertEquals(ErrorCode.PROCESS_LOOKUP, failureOf(t::terminate).code());
    assertEquals(ErrorCode.PROCESS_LOOKUP, failureOf(t::kill).code());
    t.close();
    t.close();
    onContext(p.context(), () -> null); // both closes have run
    assertTrue(t.isClosing());
    assertEquals(6, t.returnCode());
    assertEquals(List.of(Kind.MADE, Kind.EXITED, Kind.LOST), p.kinds());
    p.assertComplete();
  }

  /** A25 and 2.16: close() kills a running child with SIGKILL, and the protocol still hears the end. */
  @Test
  @Timeout(20)
  void closeKillsARunningChildWithinFiveSeconds() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sleep", "3600"));
      assertNull(t.returnCode());
      t.close();
      p.exited().await(5, SECONDS);
      p.lost().await(5, SECONDS);
      assertEquals(-9, t.returnCode());
      assertTrue(t.isClosing());
      assertFalse(ProcessHandle.of(t.pid()).map(ProcessHandle::isAlive).orElse(false), "pid " + t.pid() + " is gone");
      assertAllPipesLostCleanly(p);
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /** A26: close() right after the spawn races the exit; either outcome is clean, never another. */
  @Test
  @Timeout(120)
  void closeRightAfterSpawnEndsWithTheExitCodeOrMinusNine() throws Exception {
    int live = engine.liveCount();
    int exited = 0;
    int killed = 0;
    for (int i = 0; i < 200; i++) {
      RecordingProtocol p = new RecordingProtocol();
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sh", "-c", "exit 5")
        .onSuccess(SubprocessTransport::close)); // on the child's context, as soon as it is started
      await(p.lost());
      p.assertComplete();
      assertNull(p.events().get(p.events().size() - 1).error(), "run " + i);
      int rc = t.returnCode();
      if (rc == 5) {
        exited++;
      } else if (rc == -9) {
        killed++;
      } else {
        fail("run " + i + ": return code " + rc);
      }
    }
    assertEquals(200, exited + killed);
    assertEquals(live, engine.liveCount(), "every child was reaped");
  }

  /**
   * A36 (gh-108973): the exact event set and the per-fd order. procbus also promises what CPython does not
   * (2.15): processExited comes after every byte the child wrote, so that is asserted too.
   */
  @Test
  @Timeout(120)
  void eventsOfAShortChildAreCompleteAndExitComesAfterItsData() throws Exception {
    ProcessOptions options = new ProcessOptions().setStdin(Stdio.inherit());
    for (int i = 0; i < 200; i++) {
      RecordingProtocol p = new RecordingProtocol();
      SubprocessTransport t = await(exec(p, options, "sh", "-c", "printf stdout; printf stderr >&2"));
      await(p.lost());
      String run = "run " + i + ": " + p.events();
      p.assertComplete();
      assertEquals(0, t.returnCode(), run);
      assertEquals(Kind.MADE, p.kinds().get(0), run);
      assertEquals(Kind.LOST, p.kinds().get(p.kinds().size() - 1), run);
      assertEquals("stdout", p.data(1).toString(), run);
      assertEquals("stderr", p.data(2).toString(), run);
      List<Kind> others = new ArrayList<>(p.kinds());
      others.removeIf(k -> k == Kind.DATA);
      assertEquals(List.of(Kind.MADE, Kind.PIPE_LOST, Kind.PIPE_LOST, Kind.EXITED, Kind.LOST),
        others.stream().sorted().toList(), run);
      assertEquals(-1, p.indexOf(Kind.PIPE_LOST, 0), run);
      for (int fd = 1; fd <= 2; fd++) {
        assertTrue(p.lastIndexOf(Kind.DATA, fd) < p.indexOf(Kind.PIPE_LOST, fd), run);
        assertNull(p.pipeLostError(fd), run);
        assertTrue(p.lastIndexOf(Kind.DATA, fd) < p.indexOf(Kind.EXITED, -1), "exit before data: " + run);
      }
    }
  }

  // --- pipe transports

  @Test
  @Timeout(20)
  void pipesHaveTheirTypeAndFdAndOnlyZeroToTwoExist() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sleep", "3600"));
      assertEquals(0, assertInstanceOf(WritePipeTransport.class, t.pipe(0)).fd());
      assertEquals(1, assertInstanceOf(ReadPipeTransport.class, t.pipe(1)).fd());
      assertEquals(2, assertInstanceOf(ReadPipeTransport.class, t.pipe(2)).fd());
      assertTrue(((ReadPipeTransport) t.pipe(1)).isReading());
      assertNull(t.pipe(3));
      assertNull(t.pipe(-1));
      assertTrue(t.pid() > 0);
    } finally {
      closeQuietly(p);
    }
  }

  /**
   * pause_reading/resume_reading: a paused pipe delivers nothing during a bounded 300 ms window while
   * {@code yes} writes as fast as it can, and delivers again after resume.
   */
  @Test
  @Timeout(30)
  void pauseReadingStopsTheDataFlowAndResumeReadingRestartsIt() throws Exception {
    int threshold = 256 * 1024;
    int[] atPause = {-1};
    int[] afterWindow = {-1};
    boolean[] readingWhilePaused = {true};
    boolean[] readingAfterResume = {false};
    int[] phase = {0}; // 0 reading, 1 paused, 2 resumed
    RecordingProtocol p = new RecordingProtocol();
    p.onData((fd, chunk) -> {
      SubprocessTransport t = p.made().result();
      ReadPipeTransport out = (ReadPipeTransport) t.pipe(1);
      if (phase[0] == 0 && p.byteCount(1) >= threshold) {
        phase[0] = 1;
        out.pauseReading();
        atPause[0] = p.byteCount(1);
        readingWhilePaused[0] = out.isReading();
        vertx.setTimer(300, id -> {
          afterWindow[0] = p.byteCount(1);
          phase[0] = 2;
          out.resumeReading();
          readingAfterResume[0] = out.isReading();
        });
      } else if (phase[0] == 2) {
        t.close(); // stop yes before the recorded data grows large
      }
    });
    try {
      SubprocessTransport t = await(exec(p, allStreams(Stdio::devNull).setStdout(Stdio.pipe()), "yes"));
      await(p.lost());
      assertFalse(readingWhilePaused[0]);
      assertTrue(atPause[0] >= threshold);
      assertEquals(atPause[0], afterWindow[0], "bytes delivered while paused");
      assertTrue(readingAfterResume[0]);
      assertTrue(p.byteCount(1) > afterWindow[0], "no bytes after resume");
      assertEquals(-9, t.returnCode());
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /**
   * The stdin queue: writes into a child that does not read fill the pipe, then the queue; at the high mark
   * pauseWriting fires; once the queue holds maxBufferSize bytes a write fails with STDIN_FULL; close() then
   * kills the child and fails the queued writes.
   */
  @Test
  @Timeout(20)
  public void writesToANonReadingChildPauseWritingThenFailWithStdinFull() throws Exception {
    // Local only (RemoteProtocolTest declares it not a test there): it needs writes that complete when they
    // reach the pipe.
    int high = 16 * 1024;
    int low = 4 * 1024;
    Buffer chunk = Buffer.buffer(new byte[4096]);
    List<Future<Void>> writes = new ArrayList<>();
    int[] queuedAtPause = {-1};
    int[] queuedAtRefusal = {-1};
    int[] maxBuffer = {-1};
    Future<?>[] refused = {null};
    Promise<Void> filled = Promise.promise();
    RecordingProtocol p = new RecordingProtocol();
    p.onPauseWriting(() -> queuedAtPause[0] = ((WritePipeTransport) p.made().result().pipe(0)).writeBufferSize());
    p.onMade(t -> {
      WritePipeTransport in = (WritePipeTransport) t.pipe(0);
      in.setWriteBufferLimits(high, low);
      maxBuffer[0] = in.maxBufferSize();
      for (int i = 0; i < 1000 && p.pauseWritingCount() == 0; i++) {
        writes.add(in.write(chunk));
      }
      for (int i = 0; i < 1000 && in.writeBufferSize() < in.maxBufferSize(); i++) {
        writes.add(in.write(chunk));
      }
      queuedAtRefusal[0] = in.writeBufferSize();
      refused[0] = in.write(chunk);
      filled.complete();
    });
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sleep", "100"));
      await(filled.future());
      assertEquals(2 * high, maxBuffer[0]);
      assertEquals(1, p.pauseWritingCount());
      assertEquals(0, p.resumeWritingCount());
      assertTrue(queuedAtPause[0] >= high, "paused at " + queuedAtPause[0]);
      assertTrue(queuedAtRefusal[0] >= 2 * high, "refused at " + queuedAtRefusal[0]);
      assertTrue(queuedAtRefusal[0] < 2 * high + chunk.length(), "bounded: " + queuedAtRefusal[0]);
      assertEquals(ErrorCode.STDIN_FULL, failureOf(() -> refused[0]).code());
      assertTrue(writes.get(0).succeeded(), "the first chunk went straight into the pipe");
      Future<Void> queued = writes.get(writes.size() - 1);
      assertFalse(queued.isComplete(), "the last accepted chunk waits in the queue");
      t.close();
      await(p.lost());
      assertEquals(ErrorCode.BROKEN_PIPE, failureOf(() -> queued).code());
      assertEquals(-9, t.returnCode());
      assertNull(p.pipeLostError(0));
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /**
   * pauseWriting at the high mark, resumeWriting once the child drains the queue to the low mark. The child
   * is {@code cat} held by back-pressure: its stdout pipe is paused until the queue has filled, so the test
   * does not depend on how fast {@code cat} reads.
   */
  @Test
  @Timeout(20)
  void resumeWritingFiresWhenTheChildDrainsTheQueueToTheLowMark() throws Exception {
    Buffer big = pattern(HELD_WRITE);
    RecordingProtocol p = new RecordingProtocol();
    int[] queuedAfterWrite = {-1};
    int[] pausesAfterWrite = {-1};
    AtomicReference<Future<Void>> written = new AtomicReference<>();
    p.onMade(t -> {
      ReadPipeTransport out = (ReadPipeTransport) t.pipe(1);
      out.pauseReading();
      WritePipeTransport in = (WritePipeTransport) t.pipe(0);
      in.setWriteBufferLimits(16 * 1024, 4 * 1024);
      written.set(in.write(big));
      queuedAfterWrite[0] = in.writeBufferSize();
      pausesAfterWrite[0] = p.pauseWritingCount();
      out.resumeReading();
    });
    SubprocessTransport t = await(exec(p, new ProcessOptions().setStderr(Stdio.devNull()), "cat"));
    await(written.get());
    ((WritePipeTransport) t.pipe(0)).writeEof();
    await(p.lost());
    assertTrue(queuedAfterWrite[0] >= 16 * 1024, "queued " + queuedAfterWrite[0]);
    assertEquals(1, pausesAfterWrite[0], "pauseWriting is called by the write that crosses the high mark");
    assertEquals(1, p.pauseWritingCount());
    assertEquals(1, p.resumeWritingCount());
    assertTrue(p.indexOf(Kind.PAUSE_WRITING, -1) < p.indexOf(Kind.RESUME_WRITING, -1));
    assertEquals(0, ((WritePipeTransport) t.pipe(0)).writeBufferSize());
    assertEquals(big, p.data(1));
    assertEquals(0, t.returnCode());
    assertNull(p.pipeLostError(0));
    p.assertComplete();
  }

  /**
   * write_eof: queued bytes are written first, then the child sees EOF; later writes fail with BROKEN_PIPE.
   * As above, {@code cat} is held by its paused stdout until the bytes are queued and EOF is requested.
   */
  @Test
  @Timeout(20)
  void writeEofDeliversTheQueuedBytesThenEndOfFile() throws Exception {
    Buffer big = pattern(HELD_WRITE);
    RecordingProtocol p = new RecordingProtocol();
    int[] queuedBeforeEof = {-1};
    boolean[] closingAfterEof = {false};
    boolean[] lostAtEof = {true};
    AtomicReference<Future<Void>> written = new AtomicReference<>();
    AtomicReference<Future<Void>> afterEof = new AtomicReference<>();
    p.onMade(t -> {
      ReadPipeTransport out = (ReadPipeTransport) t.pipe(1);
      out.pauseReading();
      WritePipeTransport in = (WritePipeTransport) t.pipe(0);
      written.set(in.write(big));
      queuedBeforeEof[0] = in.writeBufferSize();
      in.writeEof();
      closingAfterEof[0] = in.isClosing();
      lostAtEof[0] = p.indexOf(Kind.PIPE_LOST, 0) >= 0;
      afterEof.set(in.write(Buffer.buffer("late")));
      out.resumeReading();
    });
    SubprocessTransport t = await(exec(p, new ProcessOptions(), "cat"));
    await(p.lost());
    assertTrue(queuedBeforeEof[0] > 0, "queued " + queuedBeforeEof[0]);
    assertTrue(closingAfterEof[0]);
    assertFalse(lostAtEof[0], "stdin stays open until the queue is written");
    assertTrue(written.get().succeeded());
    assertEquals(ErrorCode.BROKEN_PIPE, failureOf(afterEof::get).code());
    assertEquals(big, p.data(1));
    assertEquals(0, t.returnCode());
    assertNull(p.pipeLostError(0));
    assertTrue(p.lastIndexOf(Kind.DATA, 1) < p.indexOf(Kind.EXITED, -1));
    p.assertComplete();
  }

  /** abort: queued bytes are dropped at once and their writes fail; stdin is lost without an error. */
  @Test
  @Timeout(20)
  void abortDropsTheQueuedBytesAndFailsTheirWrites() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    int[] queuedBeforeAbort = {-1};
    int[] queuedAfterAbort = {-1};
    boolean[] lostAtAbort = {false};
    AtomicReference<Future<Void>> pending = new AtomicReference<>();
    AtomicReference<Future<Void>> afterAbort = new AtomicReference<>();
    p.onMade(t -> {
      WritePipeTransport in = (WritePipeTransport) t.pipe(0);
      pending.set(in.write(pattern(1 << 20)));
      queuedBeforeAbort[0] = in.writeBufferSize();
      in.abort();
      queuedAfterAbort[0] = in.writeBufferSize();
      lostAtAbort[0] = p.indexOf(Kind.PIPE_LOST, 0) >= 0;
      afterAbort.set(in.write(Buffer.buffer("late")));
    });
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sleep", "100"));
      await(p.made());
      assertTrue(queuedBeforeAbort[0] > 0);
      assertEquals(0, queuedAfterAbort[0]);
      assertTrue(lostAtAbort[0], "pipeConnectionLost(0) at abort: " + p.events());
      assertNull(p.pipeLostError(0), "asyncio's abort() loses the pipe with None");
      assertEquals(ErrorCode.BROKEN_PIPE, failureOf(pending::get).code());
      assertEquals(ErrorCode.BROKEN_PIPE, failureOf(afterAbort::get).code());
      assertTrue(t.pipe(0).isClosing());
      assertNull(t.returnCode(), "abort does not end the child");
      t.close();
      await(p.lost());
      assertEquals(-9, t.returnCode());
      p.assertComplete();
    } finally {
      closeQuietly(p);
    }
  }

  /** asyncio: a stdin that the child's exit closes, with nothing pending, is lost with None (not an error). */
  @Test
  @Timeout(20)
  void stdinClosedByTheChildsExitIsLostWithoutErrorWhenNothingWasPending() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    SubprocessTransport t = await(exec(p, new ProcessOptions(), "sh", "-c", "exit 0"));
    await(p.lost());
    assertTrue(p.indexOf(Kind.PIPE_LOST, 0) >= 0);
    assertNull(p.pipeLostError(0));
    assertEquals(ErrorCode.BROKEN_PIPE, failureOf(() -> write(t, "late")).code());
    p.assertComplete();
  }

  @Test
  @Timeout(20)
  void setWriteBufferLimitsRejectsInconsistentMarks() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    try {
      SubprocessTransport t = await(exec(p, new ProcessOptions(), "sleep", "3600"));
      WritePipeTransport in = (WritePipeTransport) t.pipe(0);
      assertEquals(ErrorCode.INVALID_ARGUMENT,
        assertThrows(ProcessException.class, () -> in.setWriteBufferLimits(10, 20)).code());
      assertEquals(ErrorCode.INVALID_ARGUMENT,
        assertThrows(ProcessException.class, () -> in.setWriteBufferLimits(0, 0)).code());
      assertEquals(ErrorCode.INVALID_ARGUMENT,
        assertThrows(ProcessException.class, () -> in.setWriteBufferLimits(10, -1)).code());
      assertEquals(1000, onContext(p.context(), () -> {
        in.setWriteBufferLimits(500, 100);
        return in.maxBufferSize();
      }));
      assertEquals(0, in.writeBufferSize());
    } finally {
      closeQuietly(p);
    }
  }

  // --- contexts

  /** Every callback and every future of the transport runs on the deployed verticle's context. */
  @Test
  @Timeout(20)
  void callbacksRunOnTheContextOfTheVerticleThatSpawned() throws Exception {
    RecordingProtocol p = new RecordingProtocol();
    AtomicReference<Context> spawnedOn = new AtomicReference<>();
    Promise<SubprocessTransport> spawned = Promise.promise();
    VerticleBase verticle = new VerticleBase() {
      @Override
      public Future<?> start() {
        p.expectContext(context);
        return engine.subprocessExec(p, List.of("sh", "-c", "cat; echo done >&2"), new ProcessOptions())
          .andThen(ar -> spawnedOn.set(Vertx.currentContext()))
          .onComplete(spawned);
      }
    };
    String id = vertx.deployVerticle(verticle).await(AWAIT_SECONDS, SECONDS);
    try {
      Context verticleContext = p.context();
      assertNotNull(verticleContext);
      assertTrue(verticleContext.isEventLoopContext());
      SubprocessTransport t = await(spawned.future());
      assertSame(verticleContext, spawnedOn.get(), "subprocessExec completed on the verticle's context");
      // from the test thread: each call hops onto the child's context, in call order
      ReadPipeTransport out = (ReadPipeTransport) t.pipe(1);
      WritePipeTransport in = (WritePipeTransport) t.pipe(0);
      out.pauseReading(); // holds cat, so the write below must queue and pause writing
      in.setWriteBufferLimits(16 * 1024, 4 * 1024);
      AtomicReference<Context> writtenOn = new AtomicReference<>();
      Future<Void> written = in.write(pattern(HELD_WRITE)).andThen(ar -> writtenOn.set(Vertx.currentContext()));
      in.writeEof();
      out.resumeReading();
      await(written);
      await(p.lost());
      assertSame(verticleContext, writtenOn.get(), "write completed on the verticle's context");
      assertEquals(0, t.returnCode());
      assertEquals(pattern(HELD_WRITE), p.data(1));
      assertEquals("done\n", p.data(2).toString());
      assertEquals(1, p.pauseWritingCount());
      assertEquals(1, p.resumeWritingCount());
      p.assertComplete(); // includes: every callback ran on the verticle's context
    } finally {
      closeQuietly(p);
      vertx.undeploy(id).await(AWAIT_SECONDS, SECONDS);
    }
  }

  /** The same for a plain event-loop context that calls subprocessShell from runOnContext. */
  @Test
  @Timeout(20)
  void callbacksRunOnTheContextThatCalledSubprocessShell() throws Exception {
    Context context = vertx.getOrCreateContext();
    RecordingProtocol p = new RecordingProtocol().expectContext(context);
    AtomicReference<Context> spawnedOn = new AtomicReference<>();
    Promise<SubprocessTransport> spawned = Promise.promise();
    context.runOnContext(v -> engine.subprocessShell(p, "echo out; echo err >&2; exit 3", new ProcessOptions())
      .andThen(ar -> spawnedOn.set(Vertx.currentContext()))
      .onComplete(spawned));
    SubprocessTransport t = await(spawned.future());
    t.pipe(0).close();
    await(p.lost());
    assertSame(context, spawnedOn.get());
    assertEquals(3, t.returnCode());
    assertEquals("out\n", p.data(1).toString());
    assertEquals("err\n", p.data(2).toString());
    p.assertComplete();
  }

  /**
   * A call made from another context that shares the child's event-loop thread still runs the callbacks it
   * causes on the child's context (the thread alone does not identify the context).
   */
  @Test
  @Timeout(20)
  void callbacksCausedFromAnotherContextOnTheSameThreadRunOnTheChildsContext() throws Exception {
    ContextInternal owner = (ContextInternal) vertx.getOrCreateContext();
    ContextInternal other = ((VertxInternal) vertx).contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP)
      .withEventLoop(owner.nettyEventLoop()).build();
    assertTrue(owner != other && owner.nettyEventLoop() == other.nettyEventLoop());
    RecordingProtocol p = new RecordingProtocol().expectContext(owner);
    Promise<SubprocessTransport> spawned = Promise.promise();
    owner.runOnContext(v -> engine.subprocessExec(p, List.of("cat"), new ProcessOptions()).onComplete(spawned));
    try {
      SubprocessTransport t = await(spawned.future());
      onContext(other, () -> {
        ReadPipeTransport out = (ReadPipeTransport) t.pipe(1);
        WritePipeTransport in = (WritePipeTransport) t.pipe(0);
        out.pauseReading(); // holds cat, so the write must queue
        in.setWriteBufferLimits(1024, 256);
        in.write(pattern(HELD_WRITE)); // pauseWriting, synchronously
        out.close(); // pipeConnectionLost(1), synchronously
        return null;
      });
      t.close();
      await(p.lost());
      assertEquals(1, p.pauseWritingCount());
      p.assertComplete(); // every callback ran on owner, none on other
    } finally {
      closeQuietly(p);
    }
  }

  /**
   * A protocol that throws from every callback: as with asyncio's call_soon, each exception goes to the
   * context's exception handler and the engine carries on, so the child is still watched, drained and reaped.
   */
  @Test
  @Timeout(20)
  void exceptionsThrownByCallbacksAreReportedAndTheChildIsStillReaped() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    context.exceptionHandler(reported::add);
    RecordingProtocol p = new RecordingProtocol() {
      @Override
      public synchronized void connectionMade(SubprocessTransport transport) {
        super.connectionMade(transport);
        throw new IllegalStateException("connectionMade");
      }

      @Override
      public synchronized void pipeDataReceived(int fd, Buffer chunk) {
        super.pipeDataReceived(fd, chunk);
        throw new IllegalStateException("pipeDataReceived");
      }

      @Override
      public synchronized void pipeConnectionLost(int fd, Throwable error) {
        super.pipeConnectionLost(fd, error);
        throw new IllegalStateException("pipeConnectionLost");
      }

      @Override
      public synchronized void processExited() {
        super.processExited();
        throw new IllegalStateException("processExited");
      }
    }.expectContext(context);
    Promise<SubprocessTransport> spawned = Promise.promise();
    context.runOnContext(v -> engine.subprocessShell(p, "printf out; printf err >&2; exit 4",
      new ProcessOptions().setStdin(Stdio.devNull())).onComplete(spawned));
    try {
      SubprocessTransport t = await(spawned.future());
      await(p.lost());
      assertEquals(4, t.returnCode());
      assertEquals("out", p.data(1).toString());
      assertEquals("err", p.data(2).toString());
      p.assertComplete();
      List<String> messages = reported.stream().map(Throwable::getMessage).toList();
      assertTrue(messages.containsAll(List.of("connectionMade", "pipeDataReceived", "pipeConnectionLost",
        "processExited")), messages.toString());
    } finally {
      closeQuietly(p);
    }
  }

  // --- helpers

  private static Future<SubprocessTransport> exec(RecordingProtocol p, ProcessOptions options, String... argv) {
    return engine.subprocessExec(p, List.of(argv), options);
  }

  private static ProcessOptions allStreams(Supplier<Stdio> mode) {
    return new ProcessOptions().setStdin(mode.get()).setStdout(mode.get()).setStderr(mode.get());
  }

  private static Future<Void> write(SubprocessTransport t, String text) {
    return ((WritePipeTransport) t.pipe(0)).write(Buffer.buffer(text));
  }

  /** {@code n} bytes that are not all alike, so a lost or reordered chunk shows. */
  private static Buffer pattern(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) ('a' + (i * 7 + i / 4096) % 26);
    }
    return Buffer.buffer(bytes);
  }

  private static void assertAllPipesLostCleanly(RecordingProtocol p) {
    for (int fd = 0; fd < 3; fd++) {
      assertTrue(p.indexOf(Kind.PIPE_LOST, fd) >= 0, "pipeConnectionLost(" + fd + ") in " + p.events());
      assertNull(p.pipeLostError(fd), "pipeConnectionLost(" + fd + ") error");
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(AWAIT_SECONDS, SECONDS);
  }

  /** The ProcessException a future fails with; the call itself must not throw. */
  private static ProcessException failureOf(Supplier<? extends Future<?>> call) throws Exception {
    Future<?> future = call.get();
    assertNotNull(future, "an async method returns a future");
    try {
      future.await(AWAIT_SECONDS, SECONDS);
    } catch (ProcessException e) {
      return e;
    }
    return fail("expected a failed future, got " + future.result());
  }

  /** Runs {@code action} on {@code context} and returns its result, after everything queued there before. */
  private static <T> T onContext(Context context, Callable<T> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Throwable e) {
        result.fail(e);
      }
    });
    return await(result.future());
  }

  /** Closes the child of {@code p}, if it was started: no test leaves a child running. */
  private static void closeQuietly(RecordingProtocol p) {
    SubprocessTransport t = p.made().result();
    if (t != null) {
      t.close();
    }
  }
}
