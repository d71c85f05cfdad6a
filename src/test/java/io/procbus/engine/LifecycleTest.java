package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.EngineOptions;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessState;
import io.procbus.api.Stdio;
import io.procbus.api.StdioMode;
import io.procbus.testing.ProcStat;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How children are started, grouped, signalled, reaped and bound to contexts: A8, A10, A12, B12, B14, C8,
 * hard cases 5 and 7, issue 2 guarantees 4, 5, 7 and 8.
 */
public class LifecycleTest extends EngineTestBase {

  /** The one libc call these tests need: to make the JVM ignore a signal, as nohup does with SIGHUP. */
  interface TestLibC extends Library {
    TestLibC C = Native.load("c", TestLibC.class);

    Pointer signal(int signum, Pointer handler);
  }

  static final int SIGWINCH = 28;
  static final Pointer SIG_IGN = new Pointer(1);

  // --- signals and process groups

  /** A10, bpo-43884: the shell is killed even though its orphaned sleep keeps stdout open for a while. */
  @Test
  @Timeout(30)
  void killingAShellWhoseGrandchildHoldsStdoutReportsMinus9AndReachesEof() throws Exception {
    ChildProcess p = shell("echo ready; sleep 1; sleep 1", stdoutPipe());
    assertEquals("ready\n", str(await(p.stdout().readLine())));

    await(p.kill());

    assertEquals(-9, await(p.waitFor(), 5));
    assertEquals("", str(await(p.stdout().read(), 5)));
    assertFalse(isChildOfHost(p.pid()), "the shell was left as a zombie on " + host);
  }

  /** A8, B12: a new session is led by the child (getsid == pid) and its exit is still collected. */
  @Test
  @Timeout(30)
  void aChildStartedInANewSessionLeadsItAndIsStillReaped() throws Exception {
    ChildProcess leader = exec(opts().setNewSession(true), "sleep", "3600");
    ProcStat stat = procStat(leader.pid());
    ChildProcess exits = shell("exit 8", opts().setNewSession(true));

    assertEquals(leader.pid(), stat.session());
    assertEquals(leader.pid(), stat.pgrp());
    assertEquals(8, await(exits.waitFor()));
    await(leader.kill());
    assertEquals(-9, await(leader.waitFor()));
  }

  @Test
  @Timeout(30)
  void aChildStartedInANewProcessGroupLeadsItInTheSameSession() throws Exception {
    ChildProcess p = exec(opts().setNewProcessGroup(true), "sleep", "3600");
    ProcStat stat = procStat(p.pid());
    ProcStat spawner = procStat(host.pid()); // the JVM whose engine forked it

    assertEquals(p.pid(), stat.pgrp());
    assertEquals(spawner.session(), stat.session());
    ChildProcess sevens = shell("exit 7", opts().setNewProcessGroup(true));
    assertEquals(7, await(sevens.waitFor()));
  }

  /** Hard case 7, gh-127874: a pipeline under a shell dies entirely with a group signal. */
  @Test
  @Timeout(30)
  void aGroupSignalKillsAWholePipeline() throws Exception {
    ChildProcess p = exec(stdoutPipe().setNewProcessGroup(true), "sh", helper("pipeline.sh"));
    assertEquals("ready\n", str(await(p.stdout().readLine())));
    awaitCondition("sh, yes and cat all running in the group", () -> liveMembersOfGroup(p.pid()).size() >= 3,
      Duration.ofSeconds(10));

    await(p.sendGroupSignal(9));

    assertEquals(-9, await(p.waitFor()));
    awaitCondition("every member of the group gone", () -> liveMembersOfGroup(p.pid()).isEmpty(),
      Duration.ofSeconds(10));
    assertEquals("", str(await(p.stdout().read())));
  }

  /**
   * A12 (SHOULD), issue 2 guarantee 5: default dispositions and an empty mask, even if the JVM ignores a signal.
   * The ignored signal is this JVM's: where the children run on another node's JVM ({@code ClusterLifecycleIT}),
   * which a test cannot make ignore one, the child's masks are checked as that node gives them.
   */
  @Test
  @Timeout(30)
  void theChildStartsWithNoSignalIgnoredOrBlocked() throws Exception {
    Pointer previous = TestLibC.C.signal(SIGWINCH, SIG_IGN);
    String output;
    try {
      assertTrue(jvmIgnores(SIGWINCH), "the test could not make the JVM ignore SIGWINCH");
      ChildProcess p = exec(stdoutPipe(), "grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status");
      output = str(await(p.communicate()).stdout());
    } finally {
      TestLibC.C.signal(SIGWINCH, previous);
    }

    assertEquals("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", output);
  }

  private static boolean jvmIgnores(int signal) throws Exception {
    String line = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
      .findFirst().orElseThrow();
    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
    return (mask & (1L << (signal - 1))) != 0;
  }

  /** A16, hard case 8, issue 2 guarantee 5: only fds 0-2 reach a child, whatever the JVM and other children hold. */
  @Test
  @Timeout(30)
  void onlyDescriptorsZeroToTwoReachTheChild() throws Exception {
    for (int i = 0; i < 3; i++) {
      exec(allPipes(), "cat"); // other children with pipes, alive meanwhile
    }

    ChildProcess p = exec(allPipes(), "sh", "-c", "ls /proc/$$/fd");
    CommunicateResult r = await(p.communicate());

    assertEquals("0\n1\n2\n", str(r.stdout()));
    assertEquals("", str(r.stderr()));
  }

  // --- many children

  @Test
  @Timeout(60)
  void twoHundredConcurrentChildrenEachGetTheirOwnBytes() throws Exception {
    List<Future<ChildProcess>> spawned = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      spawned.add(engine.exec(List.of("cat"), inOutPipes()).map(this::track));
    }
    await(Future.all(spawned));
    assertTrue(engine.liveCount() >= 200, "the 200 children should all be alive at once");

    List<Future<CommunicateResult>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      results.add(spawned.get(i).result().communicate(buf("child-" + i + "\n")));
    }
    await(Future.all(results), 40);

    for (int i = 0; i < 200; i++) {
      assertEquals("child-" + i + "\n", str(results.get(i).result().stdout()));
      assertEquals(0, results.get(i).result().returnCode());
    }
  }

  /** Issue 2 guarantee 4: no thread per child or per pipe, in this JVM nor in the one that runs the children. */
  @Test
  @Timeout(60)
  void twoHundredLiveCatsCostAtMostTwoThreadsMoreThanTen() throws Exception {
    // warm-up: start every event loop and the JVM's lazily started helpers first
    List<ChildProcess> warmUp = spawnCats(200);
    finishCats(warmUp);

    List<ChildProcess> cats = spawnCats(10);
    int tenJava = javaThreadCount();
    int tenOs = osThreadCount();
    int tenOnHost = host.threadCount();
    cats.addAll(spawnCats(190));
    int twoHundredJava = javaThreadCount();
    int twoHundredOs = osThreadCount();
    int twoHundredOnHost = host.threadCount();

    assertTrue(twoHundredJava - tenJava <= 2, "Java threads: " + tenJava + " with 10 live children, "
      + twoHundredJava + " with 200 (OS threads " + tenOs + " -> " + twoHundredOs + ")");
    assertTrue(twoHundredOnHost - tenOnHost <= 2, "threads of " + host + ": " + tenOnHost
      + " with 10 live children, " + twoHundredOnHost + " with 200");
    finishCats(cats);
  }

  private List<ChildProcess> spawnCats(int n) throws Exception {
    List<Future<ChildProcess>> spawned = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      spawned.add(engine.exec(List.of("cat"), inOutPipes()).map(this::track));
    }
    await(Future.all(spawned));
    return spawned.stream().map(Future::result).collect(Collectors.toCollection(ArrayList::new));
  }

  private void finishCats(List<ChildProcess> cats) throws Exception {
    List<Future<CommunicateResult>> results = new ArrayList<>();
    for (ChildProcess c : cats) {
      results.add(c.communicate(buf("x")));
    }
    await(Future.all(results), 40);
    for (Future<CommunicateResult> r : results) {
      assertEquals("x", str(r.result().stdout()));
    }
  }

  /**
   * Hard case 8: every pipe end and pidfd is closed once a child is finished: none accumulate, in the JVM that
   * ran the children nor in this one.
   */
  @Test
  @Timeout(60)
  void finishedChildrenLeaveNoDescriptorsBehind() throws Exception {
    finishCats(spawnCats(20)); // warm-up: event loops, lazily opened JVM files
    long before = openFdCount();
    long beforeOnHost = host.fdCount();

    for (int round = 0; round < 5; round++) {
      finishCats(spawnCats(20));
    }

    // A leak would be three fds or more per child (300 here); the JVM may open or close one or two meanwhile.
    long grown = openFdCount() - before;
    assertTrue(grown <= 2, "fds left open in this JVM by 100 finished children: " + grown);
    long grownOnHost = host.fdCount() - beforeOnHost;
    assertTrue(grownOnHost <= 2, "fds left open on " + host + " by 100 finished children: " + grownOnHost);
  }

  /**
   * Hard case 5: every child is reaped even when nobody waits for it, by the JVM that runs it (its parent); a
   * service says so too: it lists each as exited with status 0.
   */
  @Test
  @Timeout(30)
  void childrenNobodyWaitsForAreReapedAnyway() throws Exception {
    List<Integer> pids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pids.add(exec(opts(), "true").pid());
    }

    awaitCondition("all 20 reaped by " + host, () -> engine.liveCount() == 0
      && pids.stream().noneMatch(this::isChildOfHost), Duration.ofSeconds(10));

    host.assertNoZombies("after 20 children nobody waited for");
    List<ProcessInfo> listed = listedByTheService();
    if (listed != null) {
      Map<Integer, ProcessInfo> byPid = listed.stream().collect(Collectors.toMap(ProcessInfo::getPid, p -> p));
      for (int pid : pids) {
        ProcessInfo info = byPid.get(pid);
        assertTrue(info != null && info.getState() != ProcessState.RUNNING && info.getExitStatus() != null
          && info.getExitStatus().returnCode() == 0, "pid " + pid + " as the service lists it: " + info);
      }
    }
  }

  // --- working directory, environment, redirections

  @Test
  @Timeout(30)
  void theChildRunsInTheGivenWorkingDirectory() throws Exception {
    ChildProcess p = exec(stdoutPipe().setCwd("/tmp"), "pwd");

    assertEquals("/tmp\n", str(await(p.communicate()).stdout()));
  }

  @Test
  @Timeout(30)
  void aReplacedEnvironmentHoldsOnlyTheGivenVariables() throws Exception {
    ChildProcess p = exec(stdoutPipe().setInheritEnv(false).setEnv(Map.of("FOO", "bar")), "/usr/bin/env");

    assertEquals("FOO=bar\n", str(await(p.communicate()).stdout()));
  }

  @Test
  @Timeout(30)
  void anExtendedEnvironmentKeepsTheServicesVariablesAndOverridesGivenOnes() throws Exception {
    String path = "/procbus-test:" + System.getenv("PATH");
    ChildProcess p = exec(stdoutPipe().addEnv("FOO", "bar").addEnv("PATH", path), "/usr/bin/env");

    List<String> lines = Arrays.asList(str(await(p.communicate()).stdout()).split("\n"));

    assertTrue(lines.contains("FOO=bar"), lines.toString());
    assertEquals(List.of("PATH=" + path), lines.stream().filter(l -> l.startsWith("PATH=")).toList());
    String home = System.getenv("HOME");
    if (home != null) {
      assertTrue(lines.contains("HOME=" + home), "inherited HOME missing: " + lines);
    }
  }

  @Test
  @Timeout(30)
  void stdoutToAFileTruncatesIt(@TempDir Path dir) throws Exception {
    Path out = Files.writeString(dir.resolve("out.txt"), "old content, longer than the new one\n");

    assertEquals(0, await(exec(opts().setStdout(Stdio.file(out.toString())), "printf", "new").waitFor()));

    assertEquals("new", Files.readString(out));
  }

  @Test
  @Timeout(30)
  void stdoutToAFileInAppendModeAppends(@TempDir Path dir) throws Exception {
    Path out = Files.writeString(dir.resolve("out.txt"), "x");

    assertEquals(0, await(exec(opts().setStdout(Stdio.appendTo(out.toString())), "printf", "a").waitFor()));
    assertEquals(0, await(exec(opts().setStdout(Stdio.appendTo(out.toString())), "printf", "b").waitFor()));

    assertEquals("xab", Files.readString(out));
  }

  @Test
  @Timeout(30)
  void aNewOutputFileIsCreated(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("created.txt");

    assertEquals(0, await(exec(opts().setStdout(Stdio.file(out.toString())), "printf", "made").waitFor()));

    assertEquals("made", Files.readString(out));
  }

  @Test
  @Timeout(30)
  void stdinFromAFileIsRead(@TempDir Path dir) throws Exception {
    Path in = Files.writeString(dir.resolve("in.txt"), "hello from a file\n");

    ChildProcess p = exec(stdoutPipe().setStdin(Stdio.file(in.toString())), "cat");

    assertNull(p.stdin());
    assertEquals("hello from a file\n", str(await(p.communicate()).stdout()));
  }

  @Test
  @Timeout(30)
  void stderrToAFileAndStderrMergedIntoAStdoutFile(@TempDir Path dir) throws Exception {
    Path err = dir.resolve("err.txt");
    Path both = dir.resolve("both.txt");

    assertEquals(0, await(exec(opts().setStderr(Stdio.file(err.toString())), "sh", "-c", "echo err >&2").waitFor()));
    ProcessOptions merged = opts().setStdout(Stdio.file(both.toString())).setStderr(Stdio.stdout());
    assertEquals(0, await(exec(merged, "sh", "-c", "echo out; echo err >&2; echo out2").waitFor()));

    assertEquals("err\n", Files.readString(err));
    assertEquals("out\nerr\nout2\n", Files.readString(both));
  }

  @Test
  @Timeout(30)
  void aMissingStdinFileFailsToSpawnWithEnoent(@TempDir Path dir) throws Exception {
    ProcessException e = failure(engine.exec(List.of("cat"),
      stdoutPipe().setStdin(Stdio.file(dir.resolve("missing.txt").toString()))));

    assertEquals(ErrorCode.SPAWN_FAILED, e.code());
    assertEquals(2, e.errno());
  }

  // --- argument validation: failed futures, never exceptions

  @Test
  @Timeout(30)
  void badSpawnArgumentsGiveFailedFuturesWithInvalidArgument() throws Exception {
    List<Function<ProcessEngine, Future<ChildProcess>>> bad = List.of(
      e -> e.exec(List.of("true"), opts().setLimit(0)),
      e -> e.exec(List.of("true"), opts().setLimit(-1)),
      e -> e.exec(List.of(), opts()),
      e -> e.exec(List.of(""), opts()),
      e -> e.exec(List.of("echo", "nul\0inside"), opts()),
      e -> e.exec(List.of("true"), null),
      e -> e.exec(List.of("true"), opts().setStdin(Stdio.stdout())),
      e -> e.exec(List.of("true"), opts().setStdout(new Stdio().setMode(StdioMode.FILE))),
      e -> e.exec(List.of("true"), opts().addEnv("BAD=NAME", "x")),
      e -> e.shell(null, opts()));

    for (int i = 0; i < bad.size(); i++) {
      Future<ChildProcess> f;
      try {
        f = bad.get(i).apply(engine);
      } catch (RuntimeException thrown) {
        throw new AssertionError("case " + i + " threw instead of returning a failed future", thrown);
      }
      assertEquals(ErrorCode.INVALID_ARGUMENT, failure(f).code(), "case " + i);
    }
    assertEquals(0, engine.liveCount());
  }

  /** B14: exec never splits a command line: the whole string is the program name. */
  @Test
  @Timeout(30)
  void execTakesASingleStringAsTheProgramNameWithoutSplittingIt() throws Exception {
    ProcessException e = failure(engine.exec(List.of("echo hello"), stdoutPipe()));

    assertEquals(ErrorCode.SPAWN_FAILED, e.code());
    assertEquals(2, e.errno());
  }

  // --- closing

  /** Issue 2 guarantee 7: closing the engine sends SIGTERM, SIGKILL after the grace, and reaps everything. */
  @Test
  @Timeout(60)
  void closingTheEngineTerminatesAndReapsEveryLiveChild() throws Exception {
    Vertx other = newNativeVertx();
    try {
      ProcessEngine closing = ProcessEngine.create(other, new EngineOptions().setKillGraceMillis(500));
      List<ChildProcess> sleepers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sleepers.add(await(closing.exec(List.of("sleep", "1000"), opts())));
      }
      ChildProcess stubborn = await(closing.exec(List.of("sh", helper("ignore-term-then-wait.sh")), stdoutPipe()));
      assertEquals("ready\n", str(await(stubborn.stdout().readLine())));
      assertEquals(6, closing.liveCount());

      await(closing.close(), 20);

      assertEquals(0, closing.liveCount());
      for (ChildProcess s : sleepers) {
        assertEquals(-15, s.returnCode());
        assertFalse(isChildOfThisJvm(s.pid()), "pid " + s.pid() + " is still a child of this JVM");
      }
      assertEquals(-9, stubborn.returnCode(), "a child ignoring SIGTERM must get SIGKILL after the grace");
      assertFalse(isChildOfThisJvm(stubborn.pid()));
      assertEquals(ErrorCode.CLOSED, failure(closing.exec(List.of("true"), opts())).code());
    } finally {
      other.close().await(AWAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(60)
  void closingVertxAlsoTerminatesAndReapsEveryLiveChild() throws Exception {
    Vertx other = newNativeVertx();
    List<ChildProcess> sleepers = new ArrayList<>();
    ProcessEngine closing = ProcessEngine.create(other, new EngineOptions().setKillGraceMillis(500));
    try {
      for (int i = 0; i < 3; i++) {
        sleepers.add(await(closing.exec(List.of("sleep", "1000"), opts())));
      }
    } finally {
      await(other.close(), 20);
    }

    assertEquals(0, closing.liveCount());
    for (ChildProcess s : sleepers) {
      assertFalse(isChildOfThisJvm(s.pid()), "pid " + s.pid() + " is still a child of this JVM");
      assertEquals(-15, s.returnCode());
    }
  }

  // --- contexts

  /** A44: a child started from a worker verticle runs and completes. */
  @Test
  @Timeout(30)
  void aChildStartedFromAWorkerVerticleCompletes() throws Exception {
    Promise<String> output = Promise.promise();
    List<String> problems = new CopyOnWriteArrayList<>();
    String id = await(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        if (!context.isWorkerContext()) {
          problems.add("not a worker context");
        }
        return engine.exec(List.of("printf", "from a worker"), stdoutPipe()).compose(p -> {
          if (!p.context().isEventLoopContext()) {
            problems.add("the child is not bound to an event-loop context");
          }
          return p.communicate();
        }).onSuccess(r -> output.complete(str(r.stdout())));
      }
    }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));

    assertEquals("from a worker", await(output.future()));
    assertEquals(List.of(), problems);
    await(vertx.undeploy(id));
  }

  /** Rule 19, issue 2 guarantee 8: every future and handler of a child completes on the verticle's context. */
  @Test
  @Timeout(30)
  void everyFutureAndHandlerRunsOnTheEventLoopVerticlesContext() throws Exception {
    ContextChecker checker = new ContextChecker();

    String id = await(vertx.deployVerticle(checker));

    assertEquals(List.of(), checker.violations);
    assertTrue(checker.checks.get() >= 14, "only " + checker.checks.get() + " checks ran");
    await(vertx.undeploy(id));
  }

  /** A PreservesContext-style verticle: each callback records whether it ran on the verticle's context. */
  private class ContextChecker extends VerticleBase {
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger checks = new AtomicInteger();

    private void check(String what) {
      checks.incrementAndGet();
      if (Vertx.currentContext() != context) {
        violations.add(what + " ran on " + Vertx.currentContext());
      }
    }

    @Override
    public Future<?> start() {
      Context mine = context;
      return engine.exec(List.of("cat"), inOutPipes()).compose(p -> {
        check("exec");
        if (p.context() != mine) {
          violations.add("child.context() is not the verticle's context");
        }
        return p.stdin().write(buf("hello\n"))
          .compose(v -> {
            check("write");
            return p.stdin().drain();
          }).compose(v -> {
            check("drain");
            return p.stdout().readLine();
          }).compose(line -> {
            check("readLine");
            if (!"hello\n".equals(str(line))) {
              violations.add("readLine gave " + str(line));
            }
            return p.stdin().end();
          }).compose(v -> {
            check("end");
            return p.stdout().read();
          }).compose(rest -> {
            check("read");
            return p.waitFor();
          }).compose(rc -> {
            check("waitFor");
            return p.closed();
          }).compose(v -> {
            check("closed");
            return streamed();
          });
      }).compose(v -> engine.exec(List.of("sleep", "3600"), opts())).compose(s -> s.kill().compose(v -> {
        check("kill");
        return s.waitFor();
      })).compose(rc -> {
        check("waitFor after kill");
        return engine.exec(List.of("printf", "x"), stdoutPipe());
      }).compose(p -> p.communicate().compose(r -> {
        check("communicate");
        return p.sendSignal(15).transform(ar -> {
          check("sendSignal after exit");
          return Future.succeededFuture();
        });
      })).compose(v -> engine.exec(List.of("/nonexistent/prog"), opts()).transform(ar -> {
        check("failed spawn");
        return Future.succeededFuture();
      }));
    }

    private Future<Void> streamed() {
      return engine.exec(List.of("head", "-c", "100000", "/dev/zero"), stdoutPipe()).compose(q -> {
        Promise<Void> ended = Promise.promise();
        q.stdout().exceptionHandler(t -> violations.add("stream error " + t)).handler(b -> check("handler"))
          .endHandler(v -> {
            check("endHandler");
            ended.complete();
          });
        return ended.future().compose(v -> q.waitFor()).map(rc -> null);
      });
    }
  }

  /**
   * Two contexts often share one event loop (more verticles than loops): called from the other one, a
   * child's futures must still complete on the child's context, not on the caller's.
   */
  @Test
  @Timeout(30)
  void futuresCompleteOnTheChildsContextWhenCalledFromAnotherContextOnTheSameEventLoop() throws Exception {
    VertxInternal internal = (VertxInternal) vertx;
    ContextInternal mine = internal.createEventLoopContext();
    ContextInternal other = internal.contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP)
      .withEventLoop(mine.nettyEventLoop()).build();
    ChildProcess p = track(await(onContext(mine, () -> engine.exec(List.of("cat"), inOutPipes())).compose(f -> f)));
    assertEquals(mine, p.context());
    List<String> offContext = new CopyOnWriteArrayList<>();

    Future<?> calls = onContext(other, () -> {
      List<Future<?>> all = new ArrayList<>();
      all.add(onChildContext(p, offContext, "sendSignal(0) failure", p.sendSignal(0)));
      all.add(onChildContext(p, offContext, "write", p.stdin().write(buf("x\n"))));
      all.add(onChildContext(p, offContext, "empty write", p.stdin().write(Buffer.buffer())));
      all.add(onChildContext(p, offContext, "drain", p.stdin().drain()));
      all.add(onChildContext(p, offContext, "readLine", p.stdout().readLine()));
      all.add(onChildContext(p, offContext, "readExactly(-1) failure", p.stdout().readExactly(-1)));
      all.add(onChildContext(p, offContext, "end", p.stdin().end()));
      all.add(onChildContext(p, offContext, "write after end failure", p.stdin().write(buf("late"))));
      all.add(onChildContext(p, offContext, "communicate", p.communicate()));
      all.add(onChildContext(p, offContext, "waitFor", p.waitFor()));
      return Future.join(all);
    }).compose(f -> f);
    await(calls.transform(ar -> Future.succeededFuture()));

    assertEquals(List.of(), offContext);
    assertEquals(0, await(p.waitFor()));
  }

  /** Completes when {@code f} does, noting in {@code offContext} if its listener ran off the child's context. */
  private static Future<Void> onChildContext(ChildProcess p, List<String> offContext, String what, Future<?> f) {
    Promise<Void> seen = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() != p.context()) {
        offContext.add(what + " completed on " + Vertx.currentContext());
      }
      seen.complete();
    });
    return seen.future();
  }

  @Test
  @Timeout(30)
  void aChildSpawnedOffVertxIsBoundToAnEventLoopContext() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "printf", "x");

    assertTrue(p.context().isEventLoopContext());
    Boolean onChildContext = await(p.communicate().map(r -> Vertx.currentContext() == p.context()));
    assertTrue(onChildContext, "communicate completed off the child's context");
  }
}
