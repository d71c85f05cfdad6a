package io.procbus.bench;

import io.procbus.api.ProcessEngine;
import io.procbus.client.ProcessClient;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;

/**
 * One workload on one implementation under a JFR recording, for {@code bench/profile}: W1 (spawn
 * {@code /bin/true}, 32 in flight), W2 ({@code head -c /dev/zero} read to its end) W2x8 (eight of them at
 * once) or W3 (64 B written to {@code cat} and read back, in turn) on the engine or through the local bus, repeated for a number of seconds after a warm-up; then
 * {@link JfrSummary} writes the profile's top frames. {@code cluster}: the client in this JVM, every child on
 * a second node ({@link ClusterBench}), which is recorded too, into {@code X-node.jfr} and {@code X-node.txt}.
 * {@code bus-1loop} is the local bus in a Vert.x with one event loop, so that the client's
 * consumer runs on the service's thread and no chunk crosses threads. Not a test.
 *
 * <p>Usage: {@code ProfileRun W1|W2|W2x8|W3 engine|bus|bus-1loop|cluster SECONDS OUT.jfr SUMMARY.txt}
 */
public final class ProfileRun {

  private ProfileRun() {
  }

  public static void main(String[] args) throws Exception {
    String workload = args[0];
    String impl = args[1];
    long seconds = Long.parseLong(args[2]);
    Path jfr = Path.of(args[3]);
    Path summary = Path.of(args[4]);
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    if (impl.equals("bus-1loop")) {
      options.setEventLoopPoolSize(1);
    }
    Vertx vertx = Vertx.vertx(options);
    ClusterBench cluster = null;
    try {
      ProcessEngine engine;
      if (impl.equals("cluster")) {
        cluster = ClusterBench.start();
        engine = cluster.engine();
      } else if (impl.startsWith("bus")) {
        JsonObject limits = new JsonObject().put("maxProcesses", 4096).put("maxProcessesPerOwner", 4096);
        vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
          .put("limits", limits))).await(30, TimeUnit.SECONDS);
        engine = ProcessClient.create(vertx);
      } else {
        engine = ProcessEngine.create(vertx);
      }
      Buffer line = Buffer.buffer("x".repeat(63) + "\n");
      Step step = workload.equals("W1") ? () -> {
        Workloads.spawnTrue(vertx, engine, 500, 32);
        return new long[] {500, 0};
      } : workload.equals("W3") ? () -> {
        long[] nanos = Workloads.roundTrips(vertx, engine, line, 0, 5000);
        return new long[] {nanos.length, Arrays.stream(nanos).sum()};
      } : workload.equals("W2x8") ? () -> new long[] {256L << 20, Workloads.readZeros(engine, 8, 32L << 20)}
        : () -> new long[] {256L << 20, Workloads.readZeros(engine, 1, 256L << 20)};
      step.run(); // warm-up
      step.run();
      long units = 0;
      long chunks = 0;
      long start;
      long end;
      long[] cpuNanos;
      try (Recording recording = new Recording()) {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5)).withStackTrace();
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(5)).withStackTrace();
        recording.enable("jdk.ObjectAllocationSample").withStackTrace();
        recording.enable("jdk.GarbageCollection");
        recording.setToDisk(true);
        recording.setDestination(jfr);
        recording.start();
        if (cluster != null) {
          cluster.startRecording();
        }
        start = System.nanoTime();
        long[] cpu0 = cpu(cluster);
        do {
          long[] r = step.run();
          units += r[0];
          chunks += r[1];
        } while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds));
        end = System.nanoTime();
        long[] cpu1 = cpu(cluster);
        cpuNanos = new long[] {cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]};
        recording.stop();
        if (cluster != null) {
          cluster.stopRecording(nodeJfr(jfr));
        }
      }
      double s = (end - start) / 1e9;
      String rate = workload.equals("W1")
        ? String.format(Locale.ROOT, "%d spawns in %.1f s: %.0f spawns/s", units, s, units / s)
        : workload.equals("W3")
        ? String.format(Locale.ROOT, "%d round trips of 64 B through cat in %.1f s: %.1f µs on average", units, s,
          chunks / 1e3 / units)
        : String.format(Locale.ROOT, "%d MiB in %.1f s: %.0f MB/s; %d stdout chunks delivered, %.1f KiB per chunk",
          units >> 20, s, units / s / 1e6, chunks, units / 1024.0 / chunks);
      if (cluster != null) {
        double gib = units / (double) (1L << 30);
        rate += String.format(Locale.ROOT, "; CPU per GiB: %.2f s in the client's JVM, %.2f s in node b's, %.2f s of"
          + " wall time", cpuNanos[0] / 1e9 / gib, cpuNanos[1] / 1e9 / gib, s / gib);
      }
      Files.createDirectories(summary.toAbsolutePath().getParent());
      boolean counted = workload.equals("W1") || workload.equals("W3");
      long perUnit = counted ? units : units >> 20;
      String unit = workload.equals("W1") ? "spawn" : workload.equals("W3") ? "round trip" : "MiB";
      Files.writeString(summary, JfrSummary.summarize(jfr, workload + " on the procbus " + impl + ": " + rate,
        perUnit, unit));
      if (cluster != null) {
        Files.writeString(nodeSummary(summary), JfrSummary.summarize(nodeJfr(jfr), workload + " on the procbus "
          + impl + ", node b (the service, its children, the chunks' sending end): " + rate, perUnit, unit));
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** CPU time so far of this JVM and (with a cluster) of node {@code b}'s, in nanoseconds. */
  private static long[] cpu(ClusterBench cluster) {
    long self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
      .getProcessCpuTime();
    long node = cluster == null ? 0 : cluster.node().info().totalCpuDuration().orElseThrow().toNanos();
    return new long[] {self, node};
  }

  /** Where node {@code b}'s recording goes: {@code X.jfr} becomes {@code X-node.jfr}. */
  private static Path nodeJfr(Path jfr) {
    return jfr.resolveSibling(jfr.getFileName().toString().replace(".jfr", "-node.jfr"));
  }

  /** Where node {@code b}'s summary goes: {@code X.txt} becomes {@code X-node.txt}. */
  private static Path nodeSummary(Path summary) {
    return summary.resolveSibling(summary.getFileName().toString().replace(".txt", "-node.txt"));
  }

  private interface Step {
    /** Runs the workload once: the units it did (spawns or bytes) and the stdout chunks delivered. */
    long[] run() throws Exception;
  }
}
