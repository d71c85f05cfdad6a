package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Signal;
import io.procbus.api.Stdio;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exit status contract: exact codes, {@code -N} for death by signal N (conformance 2.2, hard case 4), signals
 * after exit (2.3, A1), the signal/exit race (A38) and spawn failures (A27, A28).
 */
public class ExitStatusTest extends EngineTestBase {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 126, 255})
  @Timeout(30)
  void exitCodeIsReportedUnchanged(int code) throws Exception {
    ChildProcess p = exec(opts(), "sh", helper("exit-with.sh"), Integer.toString(code));

    assertEquals(code, await(p.waitFor()));
    assertEquals(code, p.returnCode());
    assertEquals(ExitStatus.exited(code), p.exitStatus());
  }

  @Test
  @Timeout(30)
  void exit137StaysDistinctFromDeathBySigkill() throws Exception {
    ChildProcess exited = exec(opts(), "sh", "-c", "exit 137");
    ChildProcess killed = exec(opts(), "sleep", "3600");
    ChildProcess selfKilled = exec(opts(), "sh", "-c", "kill -9 $$");

    killed.kill();

    assertEquals(137, await(exited.waitFor()));
    assertEquals(137, exited.exitStatus().code());
    assertNull(exited.exitStatus().signal());
    assertEquals(-9, await(killed.waitFor()));
    assertNull(killed.exitStatus().code());
    assertEquals(9, killed.exitStatus().signal());
    assertEquals(-9, await(selfKilled.waitFor()));
    assertEquals(ExitStatus.killed(9, false), selfKilled.exitStatus());
  }

  @ParameterizedTest
  @EnumSource(value = Signal.class, names = {"HUP", "INT", "USR1", "USR2", "ALRM", "TERM", "KILL"})
  @Timeout(30)
  void deathBySignalIsReportedAsMinusTheSignalNumber(Signal signal) throws Exception {
    ChildProcess p = exec(stdoutPipe(), "sh", helper("ready-then-wait.sh"));
    assertEquals("ready\n", str(await(p.stdout().readLine())));

    await(p.sendSignal(signal));

    assertEquals(-signal.number(), await(p.waitFor()));
    assertEquals(signal.number(), p.exitStatus().signal());
  }

  @Test
  @Timeout(30)
  void terminateGivesMinus15() throws Exception {
    ChildProcess p = exec(opts(), "sleep", "3600");

    await(p.terminate());

    assertEquals(-15, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void sighupAfterTheHandshakeGivesMinus1() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "sh", "-c", "echo sleeping; exec sleep 3600");
    assertEquals("sleeping\n", str(await(p.stdout().readLine())));

    await(p.sendSignal(Signal.HUP.number()));

    assertEquals(-1, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void returnCodeIsNullWhileRunningAndRightAfterKillUntilTheExitIsObserved() throws Exception {
    ChildProcess p = exec(opts(), "sleep", "3600");
    assertNull(p.returnCode());
    assertNull(p.exitStatus());
    assertFalse(p.waitFor().isComplete());

    // kill() and the returnCode() read run in one task on the child's context: the exit cannot be seen in between
    Boolean nullRightAfterKill = await(onContext(p.context(), () -> {
      p.kill();
      return p.returnCode() == null && p.exitStatus() == null;
    }));

    assertTrue(nullRightAfterKill, "kill() must not set the return code; only the observed exit does");
    assertEquals(-9, await(p.waitFor()));
    assertEquals(-9, p.returnCode());
  }

  /** Only an exit is an exit: a stopped child is still running, and a later signal decides its status. */
  @Test
  @Timeout(30)
  void aStoppedChildIsNotMistakenForAnExitedOne() throws Exception {
    ChildProcess p = exec(opts(), "sleep", "3600");

    await(p.sendSignal(Signal.STOP));
    awaitCondition("the child is stopped", () -> procStat(p.pid()).state() == 'T', Duration.ofSeconds(5));

    assertFalse(completesWithin(p.waitFor(), Duration.ofMillis(200)), "a stop was reported as an exit");
    assertNull(p.returnCode());
    await(p.sendSignal(Signal.CONT));
    await(p.terminate());
    assertEquals(-15, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void signalsAfterTheExitFailWithProcessLookupAndChangeNothing() throws Exception {
    ProcessOptions devnull = opts().setStdin(Stdio.devNull()).setStdout(Stdio.devNull()).setStderr(Stdio.devNull());
    ChildProcess p = exec(devnull, "sh", "-c", "exit 6");
    assertEquals(6, await(p.waitFor()));

    assertEquals(ErrorCode.PROCESS_LOOKUP, failure(p.sendSignal(15)).code());
    assertEquals(ErrorCode.PROCESS_LOOKUP, failure(p.terminate()).code());
    assertEquals(ErrorCode.PROCESS_LOOKUP, failure(p.kill()).code());
    assertEquals(ErrorCode.PROCESS_LOOKUP, failure(p.sendSignal(Signal.HUP)).code());
    assertEquals(6, p.returnCode());
    assertEquals(6, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void groupSignalsAfterTheLeadersExitFailWithProcessLookup() throws Exception {
    ChildProcess p = exec(opts().setNewProcessGroup(true), "true");
    assertEquals(0, await(p.waitFor()));

    assertEquals(ErrorCode.PROCESS_LOOKUP, failure(p.sendGroupSignal(9)).code());
  }

  @Test
  @Timeout(30)
  void signalNumbersOutsideOneToSixtyFourAreInvalidArguments() throws Exception {
    ChildProcess p = exec(opts(), "sleep", "3600");

    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.sendSignal(0)).code());
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.sendSignal(65)).code());
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.sendSignal(-9)).code());
    assertNull(p.returnCode(), "an invalid signal must not reach the child");
  }

  @Test
  @Timeout(30)
  void groupSignalWithoutANewProcessGroupIsAnInvalidArgument() throws Exception {
    ChildProcess p = exec(opts(), "sleep", "3600");

    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.sendGroupSignal(9)).code());
    assertNull(p.returnCode(), "the refused group signal must not reach the child");
  }

  /** A38, gh-87744: a signal sent around the exit must not corrupt the status (never 255, -1 or null). */
  @Test
  @Timeout(60)
  void aSignalRacingTheExitYieldsZeroOrMinus10AndNothingElse() throws Exception {
    List<Future<String>> runs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long delay = 85 + (i % 31); // around the 100 ms the child lives
      runs.add(engine.exec(List.of("sleep", "0.1"), opts()).compose(p -> {
        track(p);
        Promise<Void> fired = Promise.promise();
        vertx.setTimer(delay, t -> fired.complete());
        Future<String> sent = fired.future().compose(v -> p.sendSignal(Signal.USR1)).transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture("ok");
          }
          if (ar.cause() instanceof ProcessException pe && pe.code() == ErrorCode.PROCESS_LOOKUP) {
            return Future.succeededFuture("lookup");
          }
          return Future.succeededFuture("unexpected " + ar.cause());
        });
        return sent.compose(s -> p.waitFor().map(rc -> s + " " + rc));
      }));
    }

    await(Future.join(runs), 40);

    for (Future<String> run : runs) {
      String outcome = run.result();
      assertTrue(List.of("ok 0", "ok -10", "lookup 0").contains(outcome), "unexpected outcome: " + outcome);
    }
  }

  @Test
  @Timeout(30)
  void aMissingProgramFailsToSpawnWithEnoentAndLeavesNoHandle() throws Exception {
    int liveBefore = engine.liveCount();

    ProcessException byPath = failure(engine.exec(List.of("/nonexistent/prog"), opts()));
    ProcessException byName = failure(engine.exec(List.of("no-such-program-procbus"), opts()));

    assertEquals(ErrorCode.SPAWN_FAILED, byPath.code());
    assertEquals(2, byPath.errno());
    assertEquals(ErrorCode.SPAWN_FAILED, byName.code());
    assertEquals(2, byName.errno());
    assertEquals(liveBefore, engine.liveCount());
  }

  @Test
  @Timeout(30)
  void aNonExecutableFileFailsToSpawnWithEacces(@TempDir Path dir) throws Exception {
    Path script = Files.writeString(dir.resolve("not-executable.sh"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

    ProcessException file = failure(engine.exec(List.of(script.toString()), opts()));
    ProcessException directory = failure(engine.exec(List.of(dir.toString()), opts()));

    assertEquals(ErrorCode.SPAWN_FAILED, file.code());
    assertEquals(13, file.errno());
    assertEquals(ErrorCode.SPAWN_FAILED, directory.code());
    assertEquals(13, directory.errno());
  }

  @Test
  @Timeout(30)
  void aMissingWorkingDirectoryFailsToSpawn() throws Exception {
    ProcessException e = failure(engine.exec(List.of("true"), allPipes().setCwd("/nonexistent/dir")));

    assertEquals(ErrorCode.SPAWN_FAILED, e.code());
    assertEquals(2, e.errno());
  }

  /**
   * Issue 10, point 5: a failed spawn names what failed — the cwd, a redirection file or the program — where it
   * used to blame the program ({@code /bin/true: ENOENT} for a missing cwd), as Python's subprocess names the
   * cwd when chdir fails.
   */
  @Test
  @Timeout(30)
  void aFailedSpawnNamesTheCwdTheRedirectionFileOrTheProgramThatFailed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r--------"));
    assertFailure("cwd /nonexistent/dir: ENOENT (No such file or directory)", 2,
      engine.exec(List.of("true"), allPipes().setCwd("/nonexistent/dir")));
    assertFailure("cwd " + file + ": ENOTDIR (Not a directory)", 20,
      engine.exec(List.of("true"), allPipes().setCwd(file.toString())));
    assertFailure("stdin file " + dir + "/missing: ENOENT (No such file or directory)", 2,
      engine.exec(List.of("cat"), allPipes().setStdin(Stdio.file(dir + "/missing"))));
    assertFailure("stdout file /nonexistent/dir/out: ENOENT (No such file or directory)", 2,
      engine.exec(List.of("true"), allPipes().setStdout(Stdio.file("/nonexistent/dir/out"))));
    assertFailure("stderr file " + dir + ": EISDIR (Is a directory)", 21,
      engine.exec(List.of("true"), allPipes().setStderr(Stdio.file(dir.toString()))));
    assertFailure("program /nonexistent/prog: ENOENT (No such file or directory)", 2,
      engine.exec(List.of("/nonexistent/prog"), allPipes().setCwd(dir.toString())));
    if (!"root".equals(System.getProperty("user.name"))) { // root may enter any directory
      assertFailure("cwd " + locked + ": EACCES (Permission denied)", 13,
        engine.exec(List.of("true"), allPipes().setCwd(locked.toString())));
    }
  }

  private static void assertFailure(String message, int errno, Future<?> spawn) throws Exception {
    ProcessException e = failure(spawn);
    assertEquals(ErrorCode.SPAWN_FAILED, e.code());
    assertEquals(message, e.getMessage());
    assertEquals(errno, e.errno());
  }

  @Test
  @Timeout(30)
  void anArgumentListTooLongForExecveFailsWithE2bigBeforeAnythingStarts() throws Exception {
    // a quarter of a million arguments: refused up front, not after marshalling them on the event loop
    List<String> argv = new ArrayList<>(Collections.nCopies(250_000, "argument"));
    argv.add(0, "true");
    ProcessException many = failure(engine.exec(argv, allPipes()));
    ProcessException oneHuge = failure(engine.exec(List.of("true", "x".repeat(200_000)), allPipes()));

    assertEquals(ErrorCode.SPAWN_FAILED, many.code());
    assertEquals(7, many.errno()); // E2BIG
    assertEquals(ErrorCode.SPAWN_FAILED, oneHuge.code());
    assertEquals(7, oneHuge.errno());
  }

  /**
   * A27, A28: failed spawns with every stream piped leave no fd, thread or child behind, in the JVM that spawns
   * (the node's, for a cluster client) nor in this one.
   */
  @Test
  @Timeout(60)
  void aHundredSpawnFailuresLeaveFdAndThreadCountsUnchanged() throws Exception {
    // failures of each kind first, on every event loop, so that lazily started event-loop threads and
    // lazily opened JVM files are not counted
    for (int i = 0; i < 8; i++) {
      failure(engine.exec(List.of("/nonexistent/prog"), allPipes()));
      failure(engine.exec(List.of("true"), allPipes().setCwd("/nonexistent/dir")));
    }
    long fdsBefore = openFdCount();
    Set<String> threadsBefore = javaThreadNames();
    long hostFdsBefore = host.fdCount();
    int hostThreadsBefore = host.threadCount();

    for (int i = 0; i < 100; i++) {
      ProcessOptions options = i % 2 == 0 ? allPipes() : allPipes().setCwd("/nonexistent/dir");
      String program = i % 2 == 0 ? "/nonexistent/prog" : "true";
      assertEquals(ErrorCode.SPAWN_FAILED, failure(engine.exec(List.of(program), options)).code());
    }

    // A leak would be one to three fds per failure (300 here); the JVM itself may open or close one or two
    // meanwhile (a jar, an earlier test's pipe closing late), so small noise is tolerated.
    long grown = openFdCount() - fdsBefore;
    assertTrue(grown <= 2, "fds leaked by 100 failed spawns: " + grown);
    Set<String> started = javaThreadNames();
    started.removeAll(threadsBefore);
    assertEquals(Set.of(), started, "threads started by failed spawns");
    long grownOnHost = host.fdCount() - hostFdsBefore;
    assertTrue(grownOnHost <= 2, "fds leaked on " + host + " by 100 failed spawns: " + grownOnHost);
    int threadsOnHost = host.threadCount() - hostThreadsBefore;
    assertTrue(threadsOnHost <= 0, "threads started on " + host + " by 100 failed spawns: " + threadsOnHost);
    assertEquals(0, engine.liveCount());
    assertEquals(List.of(), liveChildrenOfThisJvm());
    host.assertNoChildrenLeft("after 100 failed spawns");
  }

  @Test
  @Timeout(30)
  void shellExit7Gives7() throws Exception {
    assertEquals(7, await(shell("exit 7", opts()).waitFor()));
  }

  @Test
  @Timeout(30)
  void aMissingCommandInsideTheShellGives127RatherThanASpawnFailure() throws Exception {
    ProcessOptions quiet = opts().setStderr(Stdio.devNull());

    assertEquals(127, await(shell("no-such-command-procbus", quiet).waitFor()));
    assertEquals(127, await(shell("/nonexistent/prog", quiet).waitFor()));
  }

  /** Issue 2, guarantee 2: exit is seen without polling (a 250 ms poll would need at least 2.5 s here). */
  @Test
  @Timeout(30)
  void tenShortChildrenInARowAreEachSeenExitingPromptly() throws Exception {
    await(exec(opts(), "true").waitFor()); // warm-up
    long start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      assertEquals(0, await(exec(opts(), "true").waitFor()));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(took.compareTo(Duration.ofMillis(2000)) < 0, "10 sequential `true` took " + took);
  }
}
