package io.procbus.bench;

import io.procbus.api.ChildProcess;
import io.procbus.api.EngineOptions;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
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
 * The benchmark: W1–W5 of issue 2 on the procbus engine, W1–W3 also through the local event bus (a
 * {@code ProcessVerticle} and the Java {@code ProcessClient} in the same Vert.x), each beside the
 * {@code java.lang.Process} baseline measured in the same run, printed as one table with ratios to it.
 *
 * <p>With {@code --cluster}, W1–W3 also run with the client in this JVM and every child on a second procbus
 * node in another JVM ({@link ClusterBench}), in the same run and against the same baseline.
 *
 * <p>Run with {@code bench/run} (or {@code bench/run --quick} for a short smoke run). Not a test: nothing
 * here is timed by the build.
 */
public final class Bench {

  private static final ProcessOptions QUIET = new ProcessOptions()
    .setStdin(Stdio.devNull()).setStdout(Stdio.devNull()).setStderr(Stdio.devNull());
  private static final ProcessOptions PIPES = new ProcessOptions()
    .setStdin(Stdio.pipe()).setStdout(Stdio.pipe()).setStderr(Stdio.devNull());

  private final boolean quick;
  private final Vertx vertx;
  private final ProcessEngine engine;
  /** The engine without the JVM's watchdog: W1 measures what the watchdog's records cost. */
  private final ProcessEngine unguarded;
  private final ProcessEngine bus;
  private final List<Row> rows = new ArrayList<>();
  /** With {@code --cluster}: a client in this JVM whose children run on another node; else null. */
  private ClusterBench cluster;
  /** With {@code --only=W1,W2}: the workloads to run; else null (all). */
  private List<String> only;

  /** One line of the table; {@code pass} is null where the issue sets no target. */
  record Row(String workload, String metric, String unit, double engine, double baseline, String target,
             Boolean pass) {
  }

  private Bench(boolean quick) throws Exception {
    this.quick = quick;
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    this.engine = ProcessEngine.create(vertx);
    this.unguarded = ProcessEngine.create(vertx, new EngineOptions().setWatchdog(false));
    // the same workloads through the local event bus: a ProcessVerticle and the Java client in this Vert.x
    vertx.deployVerticle(new ProcessVerticle()).await(30, TimeUnit.SECONDS);
    this.bus = ProcessClient.create(vertx);
  }

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    Bench bench = new Bench(quick);
    try {
      for (String arg : args) {
        if (arg.startsWith("--only=")) {
          bench.only = List.of(arg.substring("--only=".length()).split(","));
        }
      }
      if (Arrays.asList(args).contains("--cluster")) {
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
    System.out.printf(Locale.ROOT, "procbus engine bench%s: %d cores, %s, Java %s%n", quick ? " (--quick)" : "",
      Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
      System.getProperty("java.version"));
    if (runs("W1")) {
      w1();
    }
    if (runs("W2")) {
      w2();
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
    print();
  }

  /** Whether workload {@code w} runs: all of them unless {@code --only=W1,W3} names some. */
  private boolean runs(String w) {
    return only == null || only.contains(w);
  }

  // --- W1: spawn rate

  private void w1() throws Exception {
    int total = quick ? 400 : 2000;
    int inFlight = 32;
    w1Engine(engine, 200, inFlight); // warm-up
    w1Engine(bus, 200, inFlight);
    w1Baseline(200, inFlight);
    double engineRate = total / seconds(() -> w1Engine(engine, total, inFlight));
    double busRate = total / seconds(() -> w1Engine(bus, total, inFlight));
    double baseRate = total / seconds(() -> w1Baseline(total, inFlight));
    String name = "W1 spawn /bin/true x" + total + ", 32 in flight";
    rows.add(new Row(name, "spawns/s, engine", "/s", engineRate, baseRate, ">= 2000/s", engineRate >= 2000));
    // the watchdog's cost: the same engine with and without it, alternated to share the machine's noise
    w1Engine(unguarded, 200, inFlight);
    double on = 0;
    double off = 0;
    for (int i = 0; i < 2; i++) {
      off = Math.max(off, total / seconds(() -> w1Engine(unguarded, total, inFlight)));
      on = Math.max(on, total / seconds(() -> w1Engine(engine, total, inFlight)));
    }
    rows.add(new Row(name, "spawns/s, engine, watchdog off", "/s", off, baseRate, "-", null));
    rows.add(new Row(name, "watchdog on vs off (base = off)", "/s", on, off, ">= 0.95x", on >= 0.95 * off));
    rows.add(new Row(name, "spawns/s, local bus", "/s", busRate, baseRate, ">= 0.75x engine", busRate >= 0.75 * engineRate));
    if (cluster != null) {
      w1Engine(cluster.engine(), 200, inFlight);
      double clusterRate = total / seconds(() -> w1Engine(cluster.engine(), total, inFlight));
      rows.add(new Row(name, "spawns/s, cluster", "/s", clusterRate, baseRate, ">= 1000/s", clusterRate >= 1000));
    }
  }

  private void w1Engine(ProcessEngine engine, int total, int inFlight) {
    onContext(engine, () -> {
      Promise<Void> done = Promise.promise();
      int[] counts = {0, 0};
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        if (counts[0] == total) {
          return;
        }
        counts[0]++;
        engine.exec(List.of("/bin/true"), QUIET).compose(ChildProcess::waitFor).onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
          } else if (++counts[1] == total) {
            done.complete();
          } else {
            next[0].run();
          }
        });
      };
      for (int i = 0; i < inFlight; i++) {
        next[0].run();
      }
      return done.future();
    });
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
    w2Engine(engine, 1, 64L << 20); // warm-up
    w2Engine(bus, 1, 64L << 20);
    w2Baseline(1, 64L << 20);
    double e1 = one / seconds(() -> w2Engine(engine, 1, one)) / 1e6;
    double u1 = one / seconds(() -> w2Engine(bus, 1, one)) / 1e6;
    double b1 = one / seconds(() -> w2Baseline(1, one)) / 1e6;
    String name = "W2 head -c " + (one >> 20) + "MiB /dev/zero, 1 child";
    rows.add(new Row(name, "throughput, engine", "MB/s", e1, b1, ">= 0.85x baseline", e1 >= 0.85 * b1));
    rows.add(new Row(name, "throughput, local bus", "MB/s", u1, b1, ">= 1500 MB/s", u1 >= 1500));
    if (cluster != null) {
      w2Engine(cluster.engine(), 1, 64L << 20);
      double c1 = one / seconds(() -> w2Engine(cluster.engine(), 1, one)) / 1e6;
      rows.add(new Row(name, "throughput, cluster", "MB/s", c1, b1, ">= 500 MB/s", c1 >= 500));
    }
    double e8 = 8 * each / seconds(() -> w2Engine(engine, 8, each)) / 1e6;
    double b8 = 8 * each / seconds(() -> w2Baseline(8, each)) / 1e6;
    rows.add(new Row("W2 8 children x " + (each >> 20) + "MiB", "throughput", "MB/s", e8, b8,
      ">= 0.85x baseline", e8 >= 0.85 * b8));
  }

  private void w2Engine(ProcessEngine engine, int children, long bytes) throws Exception {
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      all.add(done);
      // from outside Vert.x each child gets its own event-loop context, spread over the loops
      engine.exec(List.of("head", "-c", Long.toString(bytes), "/dev/zero"),
        new ProcessOptions().setStdout(Stdio.pipe())).onComplete(ar -> {
          if (ar.failed()) {
            done.completeExceptionally(ar.cause());
            return;
          }
          long[] count = {0};
          ar.result().stdout().handler(b -> count[0] += b.length()).endHandler(v -> done.complete(count[0]));
        });
    }
    for (CompletableFuture<Long> f : all) {
      check(f.get(300, TimeUnit.SECONDS) == bytes, "W2: wrong byte count");
    }
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
    Buffer line = Buffer.buffer("x".repeat(63) + "\n");
    long[] engineNs = w3Engine(engine, line, n);
    long[] busNs = w3Engine(bus, line, n);
    long[] baseNs = w3Baseline(line.getBytes(), n);
    double b50 = percentile(baseNs, 50) / 1e3;
    double b99 = percentile(baseNs, 99) / 1e3;
    String name = "W3 cat round trip, " + n + " x 64 B";
    double e50 = percentile(engineNs, 50) / 1e3;
    double u50 = percentile(busNs, 50) / 1e3;
    rows.add(new Row(name, "p50, engine", "us", e50, b50, "<= 40 us", e50 <= 40));
    rows.add(new Row(name, "p99, engine", "us", percentile(engineNs, 99) / 1e3, b99, "-", null));
    rows.add(new Row(name, "p50, local bus", "us", u50, b50, "<= 80 us", u50 <= 80));
    rows.add(new Row(name, "p99, local bus", "us", percentile(busNs, 99) / 1e3, b99, "-", null));
    if (cluster != null) {
      long[] clusterNs = w3Engine(cluster.engine(), line, n);
      double c50 = percentile(clusterNs, 50) / 1e3;
      rows.add(new Row(name, "p50, cluster", "us", c50, b50, "<= 300 us", c50 <= 300));
      rows.add(new Row(name, "p99, cluster", "us", percentile(clusterNs, 99) / 1e3, b99, "-", null));
    }
  }

  private long[] w3Engine(ProcessEngine engine, Buffer line, int n) throws Exception {
    int warm = 2000;
    long[] samples = new long[n];
    onContext(engine, () -> engine.exec(List.of("cat"), PIPES).compose(p -> {
      Promise<Void> done = Promise.promise();
      int[] i = {0};
      long[] t0 = {0};
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        t0[0] = System.nanoTime();
        p.stdin().write(line);
        p.stdout().readExactly(line.length()).onComplete(ar -> {
          if (ar.failed()) {
            done.fail(ar.cause());
            return;
          }
          long dt = System.nanoTime() - t0[0];
          if (i[0] >= warm) {
            samples[i[0] - warm] = dt;
          }
          if (++i[0] == warm + n) {
            done.complete();
          } else {
            step[0].run();
          }
        });
      };
      step[0].run();
      return done.future().compose(v -> p.stdin().end()).compose(v -> p.waitFor()).mapEmpty();
    }));
    return samples;
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
    w4Engine(10); // warm-up
    int threads10 = w4Engine(10)[1];
    long t = System.nanoTime();
    int[] e = w4Engine(n);
    double eWall = (System.nanoTime() - t) / 1e9;
    w4Baseline(10);
    int base10 = w4Baseline(10)[1];
    t = System.nanoTime();
    int[] b = w4Baseline(n);
    double bWall = (System.nanoTime() - t) / 1e9;
    String name = "W4 " + n + " live cat: spawn + echo + close + reap";
    rows.add(new Row(name, "wall", "s", eWall, bWall, "<= 1.2 s", eWall <= 1.2));
    rows.add(new Row(name, "threads vs 10 live", "+threads", e[1] - threads10, b[1] - base10, "<= +2",
      e[1] - threads10 <= 2));
    rows.add(new Row(name, "RSS growth at peak", "MiB", e[0] / 1024.0, b[0] / 1024.0, "-", null));
  }

  /** Returns {RSS growth in KiB at peak, threads at peak}. */
  private int[] w4Engine(int n) throws Exception {
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
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
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
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
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
    double e = w5Engine(window) / 1024.0;
    double b = w5Baseline(window) / 1024.0;
    rows.add(new Row("W5 yes, reader paused " + window / 1000 + " s", "peak RSS growth", "MiB", e, b, "<= 1 MiB",
      e <= 1.0));
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
    Vertx owner = cluster != null && engine == cluster.engine() ? cluster.vertx() : vertx;
    Context ctx = owner.getOrCreateContext();
    CompletableFuture<Object> done = new CompletableFuture<>();
    ctx.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(null);
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    try {
      done.get(300, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private void print() {
    String fmt = "| %-48s | %-30s | %12s | %12s | %8s | %-17s | %-4s |%n";
    System.out.println();
    System.out.printf(Locale.ROOT, fmt, "workload", "metric", "procbus", "j.l.Process", "ratio", "target", "ok");
    System.out.println("|" + "-".repeat(50) + "|" + "-".repeat(32) + "|" + "-".repeat(14) + "|" + "-".repeat(14) + "|"
      + "-".repeat(10) + "|" + "-".repeat(19) + "|" + "-".repeat(6) + "|");
    for (Row r : rows) {
      String ratio = r.baseline() == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", r.engine() / r.baseline());
      System.out.printf(Locale.ROOT, fmt, r.workload(), r.metric() + " (" + r.unit() + ")", num(r.engine()),
        num(r.baseline()), ratio, r.target(), r.pass() == null ? "" : r.pass() ? "yes" : "NO");
    }
  }

  private static String num(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
