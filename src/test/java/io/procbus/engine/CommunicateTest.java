package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code communicate()} and the plain stdin/stdout round trip: conformance A4–A7, A14, A16–A21, A33–A35,
 * A37, B9, B10, 2.9, 2.14 and hard case 1, plus the 100 MiB through {@code cat}.
 */
public class CommunicateTest extends EngineTestBase {

  /** asyncio's {@code support.PIPE_MAX_SIZE}: more than any pipe holds. */
  static final int PIPE_MAX_SIZE = 4 * 1024 * 1024 + 1;

  static Buffer pseudoRandom(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  static byte[] sha256(Buffer b) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    int chunk = 1 << 20;
    for (int at = 0; at < b.length(); at += chunk) {
      md.update(b.getBytes(at, Math.min(b.length(), at + chunk))); // in chunks: no second full copy
    }
    return md.digest();
  }

  @Test
  @Timeout(60)
  void bytesWrittenToCatComeBackOnStdout() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");

    await(p.stdin().write(buf("some data")));
    await(p.stdin().drain());
    await(p.stdin().end());

    assertEquals("some data", str(await(p.stdout().read())));
    assertEquals(0, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void communicateReturnsStdoutAndANullStderrWhenStderrIsNotPiped() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");

    CommunicateResult r = await(p.communicate(buf("some data")));

    assertEquals("some data", str(r.stdout()));
    assertNull(r.stderr());
    assertEquals(0, r.returnCode());
    assertTrue(r.inputDelivered());
  }

  /** A6, gh-83925: communicate() without input still closes a piped stdin, or cat would never end. */
  @Test
  @Timeout(30)
  void communicateWithoutInputClosesStdinSoCatEnds() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");

    CommunicateResult r = await(p.communicate(), 5);

    assertEquals("", str(r.stdout()));
    assertEquals(0, r.returnCode());
  }

  /** A17, bpo-26848: empty input is input: stdin is closed and the child reads EOF at once. */
  @Test
  @Timeout(30)
  void communicateWithEmptyInputClosesStdin() throws Exception {
    ChildProcess p = exec(inOutPipes(), "wc", "-c");

    CommunicateResult r = await(p.communicate(Buffer.buffer()), 5);

    assertEquals("0", str(r.stdout()).trim());
    assertEquals(0, r.returnCode());
  }

  /** A14: a child that exits without reading does not make communicate fail. */
  @Test
  @Timeout(30)
  void communicateIgnoresABrokenPipeWhenTheChildExitsWithoutReading() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()), "true");

    CommunicateResult r = await(p.communicate(Buffer.buffer(new byte[PIPE_MAX_SIZE])));

    assertNull(r.stdout());
    assertNull(r.stderr());
    assertEquals(0, r.returnCode());
    assertFalse(r.inputDelivered(), "4 MiB + 1 cannot have fit into the pipe of a child that never read");
  }

  /** 2.4: input given after the caller closed stdin is reported as not delivered, not as an error. */
  @Test
  @Timeout(30)
  void communicateAfterTheCallerClosedStdinReportsTheInputAsNotDelivered() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");
    await(p.stdin().end());

    CommunicateResult r = await(p.communicate(buf("lost input")));

    assertEquals("", str(r.stdout()));
    assertEquals(0, r.returnCode());
    assertFalse(r.inputDelivered());
  }

  /** A16, asyncio #209, hard case 8: no child holds another child's (or its own) stdin write end. */
  @Test
  @Timeout(30)
  void aSiblingSpawnedMeanwhileDoesNotInheritTheStdinPipe() throws Exception {
    ChildProcess before = exec(inOutPipes(), "sleep", "30");
    ChildProcess a = exec(inOutPipes(), "wc", "-c");
    ChildProcess after = exec(inOutPipes(), "sleep", "30");
    Path fdsOfA = Path.of("/proc", Integer.toString(a.pid()), "fd");
    Set<String> pipesOfA = Set.of(Files.readSymbolicLink(fdsOfA.resolve("0")).toString(),
      Files.readSymbolicLink(fdsOfA.resolve("1")).toString());
    assertTrue(pipesOfA.stream().allMatch(t -> t.startsWith("pipe:")), "wc's stdin and stdout: " + pipesOfA);

    for (ChildProcess sibling : List.of(before, after)) {
      for (Map.Entry<Integer, String> fd : fdTable(sibling.pid()).entrySet()) {
        assertFalse(pipesOfA.contains(fd.getValue()), "sibling " + sibling.pid() + " holds a pipe of wc: " + fd);
        // fds >= 3 can only be the loader's passing library files while the sibling starts up, never pipes
        assertFalse(fd.getKey() >= 3 && fd.getValue().startsWith("pipe:"), "sibling " + sibling.pid() + ": " + fd);
      }
    }
    CommunicateResult r = await(a.communicate(buf("abc")), 5);
    assertEquals("3", str(r.stdout()).trim());
    assertEquals(0, r.returnCode());
  }

  /** fd number to link target of process {@code pid}; fds that close while being read are left out. */
  static Map<Integer, String> fdTable(int pid) throws Exception {
    Map<Integer, String> table = new TreeMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          table.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
        } catch (NoSuchFileException closedMeanwhile) {
          // a transient fd
        }
      }
    }
    return table;
  }

  @Test
  @Timeout(30)
  void devnullStdinReadsAsEmptyAndRefusesInput() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.devNull()).setStdout(Stdio.pipe()), "wc", "-c");

    assertNull(p.stdin());
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.communicate(buf("abc"))).code());
    CommunicateResult r = await(p.communicate());
    assertEquals("0", str(r.stdout()).trim());
    assertEquals(0, r.returnCode());
  }

  @Test
  @Timeout(30)
  void inheritedStdinRefusesCommunicateInput() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.inherit()), "true");

    assertNull(p.stdin());
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.communicate(buf("abc"))).code());
    assertEquals(0, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void devnullStdoutGivesANullStdoutNotAnEmptyOne() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()).setStdout(Stdio.devNull()), "cat");

    assertNull(p.stdout());
    CommunicateResult r = await(p.communicate(buf("abc")));
    assertNull(r.stdout());
    assertEquals(0, r.returnCode());
  }

  @Test
  @Timeout(30)
  void devnullStderrGivesANullStderr() throws Exception {
    ChildProcess p = exec(opts().setStdin(Stdio.pipe()).setStdout(Stdio.pipe()).setStderr(Stdio.devNull()),
      "sh", "-c", "cat; echo ignored >&2");

    assertNull(p.stderr());
    CommunicateResult r = await(p.communicate(buf("abc")));
    assertEquals("abc", str(r.stdout()));
    assertNull(r.stderr());
    assertEquals(0, r.returnCode());
  }

  /** A21: stdin is a real pipe, so /dev/stdin can be opened. */
  @Test
  @Timeout(30)
  void stdinIsAPipeThatDevStdinCanReopen() throws Exception {
    ChildProcess p = shell("wc -c < /dev/stdin", inOutPipes());

    assertEquals("3", str(await(p.communicate(buf("abc"))).stdout()).trim());
  }

  @Test
  @Timeout(30)
  void shellSeesTheEnvironmentVariableItWasGiven() throws Exception {
    ChildProcess p = shell("printf %s \"$FOO\"", stdoutPipe().addEnv("FOO", "bar"));

    CommunicateResult r = await(p.communicate());

    assertEquals("bar", str(r.stdout()));
    // A33: on the child's context a wait issued after the exit is already complete (no OS round trip)
    Future<Integer> lateWait = await(onContext(p.context(), p::waitFor));
    assertTrue(lateWait.isComplete(), "a wait after the exit must be answered at once");
    assertEquals(r.returnCode(), lateWait.result());
    assertEquals(r.returnCode(), await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void execSeesTheEnvironmentVariableItWasGiven() throws Exception {
    ChildProcess p = exec(stdoutPipe().addEnv("FOO", "baz"), "sh", "-c", "printf %s \"$FOO\"");

    assertEquals("baz", str(await(p.communicate()).stdout()));
  }

  @Test
  @Timeout(30)
  void tenConcurrentWaitsGetTheSameCodeBeforeAndAfterTheExit() throws Exception {
    ChildProcess p = exec(opts(), "sh", "-c", "sleep 0.2; exit 4");
    List<Future<Integer>> before = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      before.add(p.waitFor());
    }
    assertNull(p.returnCode(), "the waits must be issued while the child runs");

    await(Future.all(before));
    List<Future<Integer>> after = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      after.add(p.waitFor());
    }
    await(Future.all(after));

    for (Future<Integer> w : before) {
      assertEquals(4, w.result());
    }
    for (Future<Integer> w : after) {
      assertEquals(4, w.result());
    }
  }

  /** A37, gh-100133: concurrent short children each get their own output, never an empty one. */
  @Test
  @Timeout(30)
  void fiftyConcurrentPrintfsEachReturnTheirOwnOutput() throws Exception {
    List<Future<CommunicateResult>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      results.add(engine.exec(List.of("printf", "foo%d", Integer.toString(i)), stdoutPipe())
        .compose(p -> track(p).communicate()));
    }

    await(Future.all(results));

    for (int i = 0; i < 50; i++) {
      CommunicateResult r = results.get(i).result();
      assertEquals("foo" + i, str(r.stdout()));
      assertEquals(0, r.returnCode());
    }
  }

  /** 2.14: large input and output flow at once through communicate, whatever the read limit. */
  @ParameterizedTest
  @ValueSource(ints = {ProcessOptions.DEFAULT_LIMIT, 1024})
  @Timeout(30)
  void fourMebibytesPlusOneComeBackWholeFromCat(int limit) throws Exception {
    Buffer input = pseudoRandom(PIPE_MAX_SIZE, limit);
    ChildProcess p = exec(inOutPipes().setLimit(limit), "cat");

    CommunicateResult r = await(p.communicate(input));

    assertEquals(PIPE_MAX_SIZE, r.stdout().length());
    assertArrayEquals(input.getBytes(), r.stdout().getBytes());
    assertEquals(0, r.returnCode());
  }

  /** Issue 2, Tests: 100 MiB through cat both ways with communicate: no deadlock, bytes equal. */
  @Test
  @Timeout(120)
  void oneHundredMebibytesGoThroughCatAndComeBackEqual() throws Exception {
    int size = 100 * 1024 * 1024;
    Buffer input = pseudoRandom(size, 100);
    byte[] inputDigest = sha256(input);
    ChildProcess p = exec(inOutPipes(), "cat");

    Future<CommunicateResult> done = p.communicate(input);
    input = null; // only the engine holds the input now, until it is written
    CommunicateResult r = await(done, 100);

    assertEquals(size, r.stdout().length());
    assertArrayEquals(inputDigest, sha256(r.stdout()));
    assertEquals(0, r.returnCode());
    assertTrue(r.inputDelivered());
  }

  /** Hard case 1: a child writing far more than a pipe holds, read by communicate, cannot deadlock. */
  @Test
  @Timeout(30)
  void communicateCollectsTenMebibytesAndTheExitCode() throws Exception {
    ChildProcess p = shell("head -c 10485760 /dev/zero; exit 3", stdoutPipe());

    CommunicateResult r = await(p.communicate());

    assertEquals(10485760, r.stdout().length());
    assertEquals(3, r.returnCode());
  }

  @Test
  @Timeout(30)
  void communicateWithATimeoutKillsTheChildAndFailsWithTimeout() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "sleep", "3600");
    long start = System.nanoTime();

    assertEquals(ErrorCode.TIMEOUT, failure(p.communicate(null, Duration.ofMillis(300))).code());

    assertTrue(System.nanoTime() - start < 10_000_000_000L, "the timeout did not fire in time");
    assertEquals(-9, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void communicateWithATimeoutThatIsNotReachedReturnsNormally() throws Exception {
    ChildProcess p = exec(inOutPipes(), "cat");

    CommunicateResult r = await(p.communicate(buf("quick"), Duration.ofSeconds(10)));

    assertEquals("quick", str(r.stdout()));
    assertEquals(0, r.returnCode());
  }

  /** 2.9: stderr merged into stdout keeps the child's write order, and there is no stderr. */
  @Test
  @Timeout(30)
  void stderrMergedIntoStdoutKeepsTheWriteOrder() throws Exception {
    ChildProcess p = shell("echo out; echo err >&2; echo out2", stdoutPipe().setStderr(Stdio.stdout()));

    assertNull(p.stderr());
    CommunicateResult r = await(p.communicate());

    assertEquals("out\nerr\nout2\n", str(r.stdout()));
    assertNull(r.stderr());
    assertEquals(0, r.returnCode());
  }

  /** B9: separate pipes keep stdout and stderr apart. */
  @Test
  @Timeout(30)
  void stdoutAndStderrArriveOnTheirOwnPipes() throws Exception {
    ChildProcess p = exec(allPipes(), "sh", helper("out-err-echo.sh"));

    CommunicateResult r = await(p.communicate(buf("test")));

    assertEquals("OUT:test", str(r.stdout()));
    assertTrue(str(r.stderr()).startsWith("ERR:test"), str(r.stderr()));
    assertEquals(0, r.returnCode());
  }

  /** B10: with stderr merged, fd 1 carries both in write order. */
  @Test
  @Timeout(30)
  void mergedStderrFollowsStdoutOnOnePipe() throws Exception {
    ChildProcess p = exec(inOutPipes().setStderr(Stdio.stdout()), "sh", helper("out-err-echo.sh"));

    CommunicateResult r = await(p.communicate(buf("test")));

    assertTrue(str(r.stdout()).startsWith("OUT:testERR:test"), str(r.stdout()));
    assertNull(r.stderr());
    assertNotNull(r.exitStatus());
    assertEquals(0, r.returnCode());
  }
}
