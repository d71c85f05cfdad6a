package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.procbus.api.ChildProcess;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.testing.ChildHost;
import io.procbus.testing.Placement;
import io.procbus.testing.ProcStat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One Vert.x (native epoll transport) and one {@link ProcessEngine} per test class, plus the helpers the
 * behaviour suites share: spawning with tracking (whatever a test leaves running is killed after it),
 * bounded awaits, failure codes, and {@code /proc} probes for leftover children, fds and threads.
 *
 * <p>The probes look where the children run: {@link #childHost()} is this JVM for the in-JVM engine and for a
 * client of a service on this JVM's bus, and the node's JVM for a cluster client whose children run on another
 * node ({@code Cluster*IT}). Suites ask the host ({@link #host}), never this JVM, about children; they check this
 * JVM's fds and threads as well, since a client may leak there too. What only this JVM can show is declared local
 * only: the remote variant overrides the test without {@code @Test}.
 *
 * <p>Tests synchronise on futures, exits and received bytes only; the one kind of bounded window they use
 * ("this must not happen within 1 s") is a Vert.x timer raced against the future in question.
 *
 * <p>The engine under test comes from {@link #createEngine}: the in-JVM engine here; the suites run through
 * the bus in {@code io.procbus.client} ({@code RemoteCommunicateTest} and the others) with a
 * {@code ProcessClient} instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineTestBase {

  /** Upper bound for one await; every test also has its own {@code @Timeout}. */
  static final long AWAIT_SECONDS = 20;
  static final long MY_PID = ProcessHandle.current().pid();

  /** The Vert.x of this class (native transport). */
  protected Vertx vertx;
  /** The engine under test. */
  protected ProcessEngine engine;
  /** The JVM that is the parent of the children {@link #engine} spawns. */
  protected ChildHost host;
  private final List<ChildProcess> tracked = new CopyOnWriteArrayList<>();

  /** The engine under test, created once per class on {@code vertx}. */
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    return ProcessEngine.create(vertx);
  }

  /** The Vert.x of this class, created once before {@link #createEngine}: a native-transport one here. */
  protected Vertx createVertx() throws Exception {
    return newNativeVertx();
  }

  /** The JVM that runs the children of {@link #createEngine}'s engine: this one here. */
  protected ChildHost childHost() throws Exception {
    return ChildHost.thisJvm();
  }

  /**
   * Where the children run when not through {@link #createVertx}, {@link #createEngine} and {@link #childHost}:
   * {@code null} here; a cluster node in the {@code Cluster*IT} variants ({@code ClusterFixture.onNode}).
   */
  protected Placement placement() {
    return null;
  }

  @BeforeAll
  void startEngine() throws Exception {
    Placement elsewhere = placement();
    vertx = elsewhere == null ? createVertx() : elsewhere.vertx();
    engine = elsewhere == null ? createEngine(vertx) : elsewhere.engine(vertx);
    host = elsewhere == null ? childHost() : elsewhere.host();
  }

  @AfterEach
  void killWhatTheTestLeftRunning() throws Exception {
    try {
      for (ChildProcess p : tracked) {
        if (p.returnCode() == null) {
          p.kill(); // may race with a natural exit: PROCESS_LOOKUP is fine here
          p.waitFor().await(AWAIT_SECONDS, TimeUnit.SECONDS);
        }
      }
    } finally {
      tracked.clear();
    }
  }

  @AfterAll
  void stopEngine() throws Exception {
    try {
      engine.close().await(AWAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(0, engine.liveCount(), "children not reaped when the engine closed");
    } finally {
      vertx.close().await(AWAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), liveChildrenOfThisJvm(), "children (or zombies) of this JVM left after the class");
    host.assertNoChildrenLeft("after the class");
  }

  static Vertx newNativeVertx() {
    Vertx v = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    assertTrue(v.isNativeTransportEnabled(), "the engine needs Vert.x's native epoll transport");
    return v;
  }

  // --- spawning

  protected static ProcessOptions opts() {
    return new ProcessOptions();
  }

  /** Options with stdin, stdout and stderr all piped. */
  static ProcessOptions allPipes() {
    return new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe()).setStderr(Stdio.pipe());
  }

  /** Options with stdout piped. */
  static ProcessOptions stdoutPipe() {
    return new ProcessOptions().setStdout(Stdio.pipe());
  }

  /** Options with stdin and stdout piped. */
  static ProcessOptions inOutPipes() {
    return new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe());
  }

  protected ChildProcess exec(ProcessOptions options, String... argv) throws Exception {
    return track(await(engine.exec(List.of(argv), options)));
  }

  ChildProcess shell(String command, ProcessOptions options) throws Exception {
    return track(await(engine.shell(command, options)));
  }

  /** Kills {@code p} after the test if it is still running. */
  ChildProcess track(ChildProcess p) {
    tracked.add(p);
    return p;
  }

  /** Absolute path of a helper script from {@code src/test/resources/helpers}. */
  static String helper(String name) {
    URL url = EngineTestBase.class.getResource("/helpers/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no helper " + name);
    }
    try {
      return Path.of(url.toURI()).toAbsolutePath().toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- futures

  protected static <T> T await(Future<T> future) throws Exception {
    return await(future, AWAIT_SECONDS);
  }

  static <T> T await(Future<T> future, long seconds) throws Exception {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("not completed within " + seconds + " s");
    }
  }

  /** Waits for {@code future} to fail and returns its {@link ProcessException}. */
  protected static ProcessException failure(Future<?> future) throws Exception {
    return failure(future, AWAIT_SECONDS);
  }

  static ProcessException failure(Future<?> future, long seconds) throws Exception {
    Future<Void> done = future.transform(ar -> Future.succeededFuture());
    await(done, seconds);
    if (future.succeeded()) {
      return fail("expected a failure, got " + future.result());
    }
    Throwable cause = future.cause();
    if (!(cause instanceof ProcessException pe)) {
      throw new AssertionError("expected a ProcessException, got " + cause, cause);
    }
    return pe;
  }

  /** A future completed by a Vert.x timer after {@code ms}. */
  Future<Void> timer(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  /** Whether {@code future} completes within {@code window}: a bounded window, raced against a Vert.x timer. */
  boolean completesWithin(Future<?> future, Duration window) throws Exception {
    await(Future.any(future.transform(ar -> Future.succeededFuture()), timer(window.toMillis())));
    return future.isComplete();
  }

  /** Checks {@code condition} every 5 ms on a Vert.x timer until it holds; fails after {@code max}. */
  protected void awaitCondition(String what, BooleanSupplier condition, Duration max) throws Exception {
    Promise<Void> p = Promise.promise();
    long deadline = System.nanoTime() + max.toNanos();
    long id = vertx.setPeriodic(0, 5, t -> {
      if (condition.getAsBoolean()) {
        p.tryComplete();
      } else if (System.nanoTime() > deadline) {
        p.tryFail(new AssertionError("not true within " + max + ": " + what));
      }
    });
    try {
      p.future().await(max.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } finally {
      vertx.cancelTimer(id);
    }
  }

  /** Runs {@code action} on {@code context} and returns its result. */
  static <T> Future<T> onContext(Context context, Supplier<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.get());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  static Buffer buf(String s) {
    return Buffer.buffer(s, "UTF-8");
  }

  static String str(Buffer b) {
    return b == null ? null : b.toString(StandardCharsets.UTF_8);
  }

  // --- what the service says

  /**
   * The processes the service that runs the suite's children lists for this client ({@code list} of the
   * instance on {@link ChildHost#node()}, or of the service on this JVM's bus), or {@code null} for the in-JVM
   * engine, which has no service.
   */
  List<ProcessInfo> listedByTheService() throws Exception {
    if (!(engine instanceof ProcessClient client)) {
      return null;
    }
    ProcessService service = client.service();
    if (host.node() != null) {
      String address = await(service.nodes()).stream().filter(n -> host.node().equals(n.getNode()))
        .map(NodeInfo::getAddress).findFirst().orElseThrow(() -> new AssertionError("no live node " + host.node()));
      service = ProcessService.createProxy(vertx, address);
    }
    return await(service.list()).stream().filter(p -> client.owner().equals(p.getOwner())).toList();
  }

  // --- /proc probes

  /** {@code /proc/<pid>/stat}, or {@code null} when there is no such process. */
  protected static ProcStat procStat(long pid) {
    return ProcStat.of(pid);
  }

  /**
   * Every process (zombies included) whose parent is this JVM, but for the JVM's watchdog and the nodes a cluster
   * test started: for engines a test creates in this JVM. The suite's engine's children are {@link #host}'s.
   */
  static List<ProcStat> liveChildrenOfThisJvm() {
    return ChildHost.thisJvm().children();
  }

  /** Every process in process group {@code pgrp} that is not a zombie. */
  static List<ProcStat> liveMembersOfGroup(int pgrp) {
    List<ProcStat> members = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
        .map(n -> procStat(Long.parseLong(n))).filter(s -> s != null && s.pgrp() == pgrp && s.state() != 'Z')
        .forEach(members::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return members;
  }

  /** Whether {@code pid} is still a child (live or zombie) of this JVM: for engines a test creates here. */
  static boolean isChildOfThisJvm(long pid) {
    ProcStat s = procStat(pid);
    return s != null && s.ppid() == MY_PID;
  }

  /** Whether {@code pid} is still a child (live or zombie) of the JVM that runs the suite engine's children. */
  protected boolean isChildOfHost(long pid) {
    return host.isChild(pid);
  }

  /** Number of open fds of this JVM. */
  static long openFdCount() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of live Java threads in this JVM. */
  static int javaThreadCount() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** Names of the live Java threads of this JVM. */
  static Set<String> javaThreadNames() {
    Set<String> names = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      names.add(t.getName());
    }
    return names;
  }

  /** Number of OS threads of this JVM ({@code Threads:} of {@code /proc/self/status}). */
  static int osThreadCount() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Threads:"))
        .map(l -> Integer.parseInt(l.substring("Threads:".length()).trim())).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
