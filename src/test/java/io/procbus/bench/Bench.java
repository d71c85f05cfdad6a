package io.procbus.bench;

import io.procbus.api.ChildProcess;
import io.procbus.api.EngineOptions;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.client.ProcessObserver;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The benchmark: W1–W5 on the procbus engine and through the local event bus (a {@code ProcessVerticle} and
 * the Java {@code ProcessClient} in the same Vert.x), beside two references measured in the same run and the
 * same rounds: the C program {@code bench/ref.c} (posix_spawn, pipes, pidfds and epoll in one thread) and
 * {@code java.lang.Process}.
 *
 * <p>With {@code --cluster}, W1–W3 also run with the client in this JVM and every child on a second procbus
 * node in another JVM ({@link ClusterBench}). Every figure is measured in {@code --rounds} rounds (default 3;
 * the implementations take turns within a round) and written with its min, median and max to the JSON file
 * {@code --out} (default {@code target/bench/results.json}); {@link BenchTable} renders the tables from it.
 *
 * <p>Run with {@code bench/run} (or {@code bench/run --quick} for a short smoke run). Not a test: nothing
 * here is timed by the build.
 */
public final class Bench {

  private static final ProcessOptions QUIET = Workloads.QUIET;
  private static final ProcessOptions PIPES = Workloads.PIPES;

  private final boolean quick;
  private final Options options;
  private final Vertx vertx;
  private final ProcessEngine engine;
  /** The engine without the JVM's watchdog: W1 measures what the watchdog's records cost. */
  private final ProcessEngine unguarded;
  private final ProcessClient bus;
  private final Figures figures = new Figures();
  /** With {@code --cluster}: a client in this JVM whose children run on another node; else null. */
  private ClusterBench cluster;

  /** The command line: {@code --quick --cluster --cli --only=W1,W2obs,W3 --rounds=N --ref=PATH --out=PATH}. */
  record Options(boolean quick, boolean cluster, boolean cli, List<String> only, int rounds, Path ref, Path out) {

    static Options parse(String[] args) {
      boolean quick = false;
      boolean cluster = false;
      boolean cli = false;
      List<String> only = null;
      int rounds = 3;
      Path ref = Path.of("target", "bench-ref");
      Path out = Path.of("target", "bench", "results.json");
      for (String arg : args) {
        if (arg.equals("--quick")) {
          quick = true;
        } else if (arg.equals("--cluster")) {
          cluster = true;
        } else if (arg.equals("--cli")) {
          cli = true;
        } else if (arg.startsWith("--only=")) {
          only = List.of(arg.substring("--only=".length()).split(","));
        } else if (arg.startsWith("--rounds=")) {
          rounds = Integer.parseInt(arg.substring("--rounds=".length()));
        } else if (arg.startsWith("--ref=")) {
          ref = Path.of(arg.substring("--ref=".length()));
        } else if (arg.startsWith("--out=")) {
          out = Path.of(arg.substring("--out=".length()));
        } else {
          throw new IllegalArgumentException("unknown option " + arg
            + " (known: --quick --cluster --cli --only=W1,.. --rounds=N --ref=PATH --out=PATH)");
        }
      }
      if (rounds < 3) {
        throw new IllegalArgumentException("--rounds must be at least 3: min, median and max need three");
      }
      return new Options(quick, cluster, cli, only, rounds, ref, out);
    }
  }

  private Bench(Options options) throws Exception {
    this.options = options;
    this.quick = options.quick();
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    this.engine = ProcessEngine.create(vertx);
    this.unguarded = ProcessEngine.create(vertx, new EngineOptions().setWatchdog(false));
    // the same workloads through the local event bus: a ProcessVerticle and the Java client in this Vert.x,
    // with room for W4's children under one owner
    JsonObject limits = new JsonObject().put("maxProcesses", 4096).put("maxProcessesPerOwner", 4096);
    vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("limits", limits))).await(30, TimeUnit.SECONDS);
    this.bus = ProcessClient.create(vertx);
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    check(Files.isExecutable(options.ref()), "no C reference at " + options.ref() + " (bench/run compiles it)");
    Bench bench = new Bench(options);
    try {
      if (options.cluster()) {
        bench.cluster = ClusterBench.start();
      }
      bench.run();
    } finally {
      try {
        if (bench.cluster != null) {
          bench.cluster.close();
        }
      } finally {
        bench.vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private void run() throws Exception {
    String load = String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
    System.out.printf(Locale.ROOT, "procbus bench%s: %d cores, Linux %s, Java %s, %d rounds, load average %s%n",
      quick ? " (--quick)" : "", Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
      System.getProperty("java.version"), options.rounds(), load);
    if (runs("W1")) {
      w1();
    }
    if (runs("W2")) {
      w2();
    }
    if (runs("W2obs")) {
      w2Observers();
    }
    if (runs("W3")) {
      w3();
    }
    if (runs("W4")) {
      w4();
    }
    if (runs("W5")) {
      w5();
    }
    if (options.cli()) {
      cli();
    }
    JsonObject results = figures.toJson().put("quick", quick).put("rounds", options.rounds())
      .put("machine", machine(load)).put("jvm", System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version")).put("commit", System.getProperty("bench.commit", "unknown"))
      .put("date", java.time.Instant.now().toString());
    Files.createDirectories(options.out().toAbsolutePath().getParent());
    Files.writeString(options.out(), results.encodePrettily() + "\n");
    System.out.println();
    System.out.println(BenchTable.render(results, options.out().toString()));
    System.out.println("results: " + options.out());
  }

  /** Whether workload {@code w} runs: all of them unless {@code --only=W1,W3} names some. */
  private boolean runs(String w) {
    return options.only() == null || options.only().contains(w);
  }

  /** The machine the figures come from. */
  private static JsonObject machine(String load) throws Exception {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
      .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    long memKiB = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
      .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
    return new JsonObject().put("cores", Runtime.getRuntime().availableProcessors()).put("cpu", cpu)
      .put("memoryMiB", memKiB / 1024).put("kernel", System.getProperty("os.version"))
      .put("loadAverageAtStart", load);
  }

  /** Runs the C reference with {@code args}; its one line of JSON. */
  private JsonObject ref(String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(options.ref().toString());
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    check(p.waitFor(600, TimeUnit.SECONDS) && p.exitValue() == 0, "C reference failed: " + argv);
    return new JsonObject(out);
  }

  // --- W1: spawn rate

  private void w1() throws Exception {
    int total = quick ? 400 : 2000;
    int inFlight = 32;
    figures.describe("W1", "spawn /bin/true x" + total + ", " + inFlight + " in flight");
    w1Engine(engine, 200, inFlight); // warm-up
    w1Engine(bus, 200, inFlight);
    w1Baseline(200, inFlight);
    w1Engine(unguarded, 200, inFlight);
    if (cluster != null) {
      w1Engine(cluster.engine(), 200, inFlight);
    }
    String m = BenchTable.SPAWNS;
    for (int r = 0; r < options.rounds(); r++) {
      figures.add("W1", m, BenchTable.C, ref("w1", Integer.toString(total), Integer.toString(inFlight))
        .getDouble("spawnsPerSecond"));
      figures.add("W1", m, BenchTable.JDK, total / seconds(() -> w1Baseline(total, inFlight)));
      figures.add("W1", m, BenchTable.ENGINE, total / seconds(() -> w1Engine(engine, total, inFlight)));
      // the watchdog's cost: the same engine without it, in the same round
      figures.add("W1", m, BenchTable.UNGUARDED, total / seconds(() -> w1Engine(unguarded, total, inFlight)));
      figures.add("W1", m, BenchTable.BUS, total / seconds(() -> w1Engine(bus, total, inFlight)));
      if (cluster != null) {
        figures.add("W1", m, BenchTable.CLUSTER, total / seconds(() -> w1Engine(cluster.engine(), total, inFlight)));
      }
    }
  }

  private void w1Engine(ProcessEngine engine, int total, int inFlight) {
    Workloads.spawnTrue(vertxOf(engine), engine, total, inFlight);
  }

  private void w1Baseline(int total, int inFlight) throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    List<CompletableFuture<Process>> exits = new ArrayList<>(total);
    ProcessBuilder pb = new ProcessBuilder("/bin/true").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
      .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
    for (int i = 0; i < total; i++) {
      slots.acquire();
      exits.add(pb.start().onExit().whenComplete((p, e) -> slots.release()));
    }
    CompletableFuture.allOf(exits.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
  }

  // --- W2: stdout throughput

  private void w2() throws Exception {
    long one = quick ? 256L << 20 : 2048L << 20;
    long each = quick ? 32L << 20 : 256L << 20;
    figures.describe("W2", "head -c " + (one >> 20) + "MiB /dev/zero, 1 child");
    figures.describe("W2x8", "head -c " + (each >> 20) + "MiB /dev/zero, 8 children at once");
    w2Engine(engine, 1, 64L << 20); // warm-up
    w2Engine(bus, 1, 64L << 20);
    w2Baseline(1, 64L << 20);
    if (cluster != null) {
      w2Engine(cluster.engine(), 1, 64L << 20);
    }
    String m = BenchTable.MBS;
    for (int r = 0; r < options.rounds(); r++) {
      figures.add("W2", m, BenchTable.C, ref("w2", "1", Long.toString(one)).getDouble("megabytesPerSecond"));
      figures.add("W2", m, BenchTable.JDK, one / seconds(() -> w2Baseline(1, one)) / 1e6);
      figures.add("W2", m, BenchTable.ENGINE, one / seconds(() -> w2Engine(engine, 1, one)) / 1e6);
      figures.add("W2", m, BenchTable.BUS, one / seconds(() -> w2Engine(bus, 1, one)) / 1e6);
      if (cluster != null) {
        figures.add("W2", m, BenchTable.CLUSTER, one / seconds(() -> w2Engine(cluster.engine(), 1, one)) / 1e6);
      }
      figures.add("W2x8", m, BenchTable.C, ref("w2", "8", Long.toString(each)).getDouble("megabytesPerSecond"));
      figures.add("W2x8", m, BenchTable.JDK, 8 * each / seconds(() -> w2Baseline(8, each)) / 1e6);
      figures.add("W2x8", m, BenchTable.ENGINE, 8 * each / seconds(() -> w2Engine(engine, 8, each)) / 1e6);
      figures.add("W2x8", m, BenchTable.BUS, 8 * each / seconds(() -> w2Engine(bus, 8, each)) / 1e6);
    }
  }

  // --- W2obs: the owner's stdout throughput while observers watch (issue 10, point 6)

  /**
   * The owner's throughput through the local bus with two paused observers (default bounds: each holds 4 MiB
   * and drops the rest), and the same workload without observers, taking turns within each round so that the
   * machine's load weighs on both alike.
   */
  private void w2Observers() throws Exception {
    long bytes = quick ? 256L << 20 : 1024L << 20;
    figures.describe("W2obs", "head -c " + (bytes >> 20) + "MiB /dev/zero through the local bus, the owner reading"
      + " with and without 2 paused observers");
    w2Observed(64L << 20, 0); // warm-up
    w2Observed(64L << 20, 2);
    double gib = bytes / (double) (1L << 30);
    for (int r = 0; r < options.rounds(); r++) {
      for (int observers : new int[] {0, 2}) {
        String impl = observers == 0 ? BenchTable.BUS : BenchTable.OBSERVED;
        double[] cost = w2Observed(bytes, observers);
        figures.add("W2obs", BenchTable.MBS, impl, bytes / cost[0] / 1e6);
        // the work: the load of a shared machine blurs the wall time, much less the CPU, and not the allocation
        figures.add("W2obs", BenchTable.CPU_PER_GIB, impl, cost[1] / gib);
        figures.add("W2obs", BenchTable.ALLOCATED_PER_GIB, impl, cost[2] / gib);
      }
    }
  }

  /**
   * Seconds from closing the child's stdin (it then runs {@code head -c bytes /dev/zero}) to the owner's end of
   * stdout, with {@code observers} paused observers subscribed before the first byte; then the CPU seconds and
   * the GiB of heap this JVM (service, owner and observers) used from then to the {@code closed} event.
   */
  private double[] w2Observed(long bytes, int observers) throws Exception {
    ChildProcess child = bus.exec(List.of("sh", "-c", "read go; exec head -c " + bytes + " /dev/zero"), PIPES)
      .await(30, TimeUnit.SECONDS);
    String address = bus.service().list().await(30, TimeUnit.SECONDS).stream()
      .filter(i -> i.getPid() == child.pid()).findFirst().orElseThrow().getEventAddress();
    List<ProcessObserver> watching = new ArrayList<>();
    for (int i = 0; i < observers; i++) {
      watching.add(bus.observe(address).await(30, TimeUnit.SECONDS).pause().handler(e -> { }));
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    long[] end = {0};
    CompletableFuture<Void> reading = new CompletableFuture<>();
    child.context().runOnContext(v -> {
      long[] count = {0};
      child.stdout().handler(b -> count[0] += b.length()).endHandler(e -> {
        end[0] = System.nanoTime();
        done.complete(count[0]);
      });
      reading.complete(null);
    });
    reading.get(30, TimeUnit.SECONDS);
    long cpu = processCpuNanos();
    long allocated = allocatedBytes();
    long start = System.nanoTime();
    child.stdin().end();
    check(done.get(300, TimeUnit.SECONDS) == bytes, "W2obs: wrong byte count");
    child.closed().await(30, TimeUnit.SECONDS); // the last event: observers get it too, then unsubscribe
    cpu = processCpuNanos() - cpu;
    allocated = allocatedBytes() - allocated;
    for (ProcessObserver o : watching) {
      check(o.bufferedBytes() <= ProcessClientOptions.DEFAULT_OBSERVER_MAX_BYTES, "W2obs: an observer held too much");
      check(o.droppedEvents() > 0, "W2obs: an observer dropped nothing: it was not paused");
      o.close().await(30, TimeUnit.SECONDS);
    }
    return new double[] {(end[0] - start) / 1e9, cpu / 1e9, allocated / (double) (1L << 30)};
  }

  /** Bytes of heap every thread of this JVM allocated so far (HotSpot's count; the threads that ended too). */
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
  }

  private static long processCpuNanos() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime();
  }

  private void w2Engine(ProcessEngine engine, int children, long bytes) throws Exception {
    Workloads.readZeros(engine, children, bytes);
  }

  private void w2Baseline(int children, long bytes) throws Exception {
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      Process p = new ProcessBuilder("head", "-c", Long.toString(bytes), "/dev/zero")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      all.add(CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), r -> new Thread(r).start()));
    }
    for (CompletableFuture<Long> f : all) {
      check(f.get(300, TimeUnit.SECONDS) == bytes, "W2 baseline: wrong byte count");
    }
  }

  private static long drain(InputStream in) {
    byte[] buf = new byte[65536];
    long total = 0;
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return total;
  }

  // --- W3: round trip through cat

  private void w3() throws Exception {
    int n = quick ? 5000 : 20000;
    figures.describe("W3", "round trip of 64 B through cat, " + n + " times");
    Buffer line = Buffer.buffer("x".repeat(63) + "\n");
    for (int r = 0; r < options.rounds(); r++) {
      JsonObject c = ref("w3", Integer.toString(n));
      figures.add("W3", BenchTable.P50, BenchTable.C, c.getDouble("p50Micros"));
      figures.add("W3", BenchTable.P99, BenchTable.C, c.getDouble("p99Micros"));
      latencies(BenchTable.JDK, w3Baseline(line.getBytes(), n));
      latencies(BenchTable.ENGINE, w3Engine(engine, line, n));
      latencies(BenchTable.BUS, w3Engine(bus, line, n));
      if (cluster != null) {
        latencies(BenchTable.CLUSTER, w3Engine(cluster.engine(), line, n));
      }
    }
  }

  private void latencies(String impl, long[] nanos) {
    figures.add("W3", BenchTable.P50, impl, percentile(nanos, 50) / 1e3);
    figures.add("W3", BenchTable.P99, impl, percentile(nanos, 99) / 1e3);
  }

  private long[] w3Engine(ProcessEngine engine, Buffer line, int n) {
    return Workloads.roundTrips(vertxOf(engine), engine, line, 2000, n);
  }

  private long[] w3Baseline(byte[] line, int n) throws Exception {
    int warm = 2000;
    long[] samples = new long[n];
    Process p = new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    OutputStream out = p.getOutputStream();
    InputStream in = p.getInputStream();
    for (int i = 0; i < warm + n; i++) {
      long t0 = System.nanoTime();
      out.write(line);
      out.flush();
      byte[] back = in.readNBytes(line.length);
      long dt = System.nanoTime() - t0;
      check(back.length == line.length, "W3 baseline: short read");
      if (i >= warm) {
        samples[i - warm] = dt;
      }
    }
    out.close();
    p.waitFor();
    return samples;
  }

  // --- W4: 1,000 live cat children

  private void w4() throws Exception {
    int n = quick ? 300 : 1000;
    figures.describe("W4", n + " live cat: spawn all, echo a line through each, close stdin, reap all");
    w4Engine(engine, 10); // warm-up
    w4Engine(bus, 10);
    w4Baseline(10);
    for (int r = 0; r < options.rounds(); r++) {
      figures.add("W4", BenchTable.WALL, BenchTable.C, ref("w4", Integer.toString(n)).getDouble("wallSeconds"));
      w4Round(BenchTable.JDK, n, () -> w4Baseline(10), () -> w4Baseline(n));
      w4Round(BenchTable.ENGINE, n, () -> w4Engine(engine, 10), () -> w4Engine(engine, n));
      w4Round(BenchTable.BUS, n, () -> w4Engine(bus, 10), () -> w4Engine(bus, n));
    }
  }

  private interface W4Run {
    int[] run() throws Exception;
  }

  /** One round of W4 for {@code impl}: threads at 10 live children, then the wall, threads and RSS of n. */
  private void w4Round(String impl, int n, W4Run ten, W4Run all) throws Exception {
    int threads10 = ten.run()[1];
    long t = System.nanoTime();
    int[] peak = all.run();
    figures.add("W4", BenchTable.WALL, impl, (System.nanoTime() - t) / 1e9);
    figures.add("W4", BenchTable.THREADS, impl, peak[1] - threads10);
    figures.add("W4", BenchTable.RSS, impl, peak[0] / 1024.0);
  }

  /**
   * The threads at work: running or blocked in a call (a JDK process reaper waits in {@code waitpid} as RUNNABLE;
   * an event loop in {@code epoll_wait} too), not those parked idle in a pool. Counting all threads would miss
   * that the JDK reuses its reapers: after one round, its idle pool already holds a thread per child.
   */
  private static int busyThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
      .filter(t -> t.getState() == Thread.State.RUNNABLE || t.getState() == Thread.State.BLOCKED).count();
  }

  /** Returns {RSS growth in KiB at peak, threads at work at peak}. */
  private int[] w4Engine(ProcessEngine engine, int n) throws Exception {
    gc();
    long rss0 = rssKiB();
    List<ChildProcess> children = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      children.add(engine.exec(List.of("cat"), PIPES).await(30, TimeUnit.SECONDS));
    }
    Buffer line = Buffer.buffer("ping\n");
    List<Future<Buffer>> echoes = new ArrayList<>(n);
    for (ChildProcess c : children) {
      c.stdin().write(line);
      echoes.add(c.stdout().readLine());
    }
    Future.all(echoes).await(60, TimeUnit.SECONDS);
    int threads = busyThreads();
    long rss = rssKiB() - rss0;
    List<Future<Integer>> exits = new ArrayList<>(n);
    for (ChildProcess c : children) {
      c.stdin().end();
      exits.add(c.waitFor());
    }
    Future.all(exits).await(60, TimeUnit.SECONDS);
    return new int[] {(int) rss, threads};
  }

  private int[] w4Baseline(int n) throws Exception {
    gc();
    long rss0 = rssKiB();
    List<Process> children = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      children.add(new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }
    List<BufferedReader> readers = new ArrayList<>(n);
    for (Process p : children) {
      p.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().flush();
      readers.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)));
    }
    for (BufferedReader r : readers) {
      check("ping".equals(r.readLine()), "W4 baseline: bad echo");
    }
    int threads = busyThreads();
    long rss = rssKiB() - rss0;
    for (Process p : children) {
      p.getOutputStream().close();
    }
    for (Process p : children) {
      p.waitFor();
    }
    return new int[] {(int) rss, threads};
  }

  // --- W5: a yes child nobody reads

  private void w5() throws Exception {
    long window = quick ? 2000 : 5000;
    figures.describe("W5", "yes, its reader paused for " + window / 1000 + " s");
    for (int r = 0; r < options.rounds(); r++) {
      figures.add("W5", BenchTable.RSS, BenchTable.ENGINE, w5Engine(window) / 1024.0);
      figures.add("W5", BenchTable.RSS, BenchTable.JDK, w5Baseline(window) / 1024.0);
    }
  }

  // --- the CLI: bin/procbus against a node JVM

  private void cli() throws Exception {
    int runs = quick ? 5 : 15;
    long bytes = (quick ? 16L : 64L) << 20;
    figures.describe("CLI", "bin/procbus against a node JVM from the fat jar: run -- true, JVM start included "
      + "(median of " + runs + "), and " + (bytes >> 20) + " MiB through run -- cat, stdin to stdout");
    try (CliBench b = CliBench.start()) {
      for (int r = 0; r < options.rounds(); r++) {
        figures.add("CLI", BenchTable.CLI_TRUE, BenchTable.CLI_CDS, b.trueMillis(true, runs));
        figures.add("CLI", BenchTable.CLI_TRUE, BenchTable.CLI_NO_CDS, b.trueMillis(false, runs));
        figures.add("CLI", BenchTable.CLI_TRUE, BenchTable.LOCAL, seconds(() -> new ProcessBuilder("true").start()
          .waitFor()) * 1e3);
        figures.add("CLI", BenchTable.CLI_CAT, BenchTable.CLI_CDS, b.catMBps(bytes));
        figures.add("CLI", BenchTable.CLI_CAT, BenchTable.LOCAL, CliBench.pipe(new ProcessBuilder("cat"), bytes));
      }
    }
  }

  private long w5Engine(long windowMs) throws Exception {
    gc();
    long rss0 = rssKiB();
    ChildProcess p = engine.exec(List.of("yes"), new ProcessOptions().setStdout(Stdio.pipe()))
      .await(10, TimeUnit.SECONDS);
    p.stdout().pause();
    long peak = samplePeakRss(windowMs) - rss0;
    p.kill();
    p.waitFor().await(10, TimeUnit.SECONDS);
    return peak;
  }

  private long w5Baseline(long windowMs) throws Exception {
    gc();
    long rss0 = rssKiB();
    Process p = new ProcessBuilder("yes").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long peak = samplePeakRss(windowMs) - rss0;
    p.destroyForcibly().waitFor();
    return peak;
  }

  private static long samplePeakRss(long windowMs) throws Exception {
    long peak = 0;
    long end = System.nanoTime() + windowMs * 1_000_000;
    Object lock = new Object();
    while (System.nanoTime() < end) {
      peak = Math.max(peak, rssKiB());
      synchronized (lock) {
        lock.wait(20); // sampling period of a benchmark, not a test synchronisation
      }
    }
    return peak;
  }

  // --- plumbing

  /** Runs {@code action} on a new context of the Vert.x that {@code engine} belongs to, and waits for it. */
  private void onContext(ProcessEngine engine, Supplier<Future<?>> action) {
    Workloads.onContext(vertxOf(engine), action);
  }

  private Vertx vertxOf(ProcessEngine engine) {
    return cluster != null && engine == cluster.engine() ? cluster.vertx() : vertx;
  }

  private interface Work {
    void run() throws Exception;
  }

  private static double seconds(Work work) throws Exception {
    long t = System.nanoTime();
    work.run();
    return (System.nanoTime() - t) / 1e9;
  }

  private static double percentile(long[] samples, int p) {
    long[] s = samples.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  private static long rssKiB() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  private static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }
}
