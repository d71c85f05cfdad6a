package io.procbus.bench;

import io.procbus.api.ProcessEngine;
import io.procbus.client.ProcessClient;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;

/**
 * One workload on one implementation under a JFR recording, for {@code bench/profile}: W1 (spawn
 * {@code /bin/true}, 32 in flight), W2 ({@code head -c /dev/zero} read to its end) or W2x8 (eight of them at
 * once) on the engine or through the local bus, repeated for a number of seconds after a warm-up; then
 * {@link JfrSummary} writes the profile's top frames. {@code bus-1loop} is the local bus in a Vert.x with one event loop, so that the client's
 * consumer runs on the service's thread and no chunk crosses threads. Not a test.
 *
 * <p>Usage: {@code ProfileRun W1|W2|W2x8 engine|bus|bus-1loop SECONDS OUT.jfr SUMMARY.txt}
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
    try {
      ProcessEngine engine;
      if (impl.startsWith("bus")) {
        JsonObject limits = new JsonObject().put("maxProcesses", 4096).put("maxProcessesPerOwner", 4096);
        vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
          .put("limits", limits))).await(30, TimeUnit.SECONDS);
        engine = ProcessClient.create(vertx);
      } else {
        engine = ProcessEngine.create(vertx);
      }
      Step step = workload.equals("W1") ? () -> {
        Workloads.spawnTrue(vertx, engine, 500, 32);
        return new long[] {500, 0};
      } : workload.equals("W2x8") ? () -> new long[] {256L << 20, Workloads.readZeros(engine, 8, 32L << 20)}
        : () -> new long[] {256L << 20, Workloads.readZeros(engine, 1, 256L << 20)};
      step.run(); // warm-up
      step.run();
      long units = 0;
      long chunks = 0;
      long start;
      long end;
      try (Recording recording = new Recording()) {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5)).withStackTrace();
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(5)).withStackTrace();
        recording.enable("jdk.ObjectAllocationSample").withStackTrace();
        recording.enable("jdk.GarbageCollection");
        recording.setToDisk(true);
        recording.setDestination(jfr);
        recording.start();
        start = System.nanoTime();
        do {
          long[] r = step.run();
          units += r[0];
          chunks += r[1];
        } while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds));
        end = System.nanoTime();
        recording.stop();
      }
      double s = (end - start) / 1e9;
      String rate = workload.equals("W1")
        ? String.format(Locale.ROOT, "%d spawns in %.1f s: %.0f spawns/s", units, s, units / s)
        : String.format(Locale.ROOT, "%d MiB in %.1f s: %.0f MB/s; %d stdout chunks delivered, %.1f KiB per chunk",
          units >> 20, s, units / s / 1e6, chunks, units / 1024.0 / chunks);
      Files.createDirectories(summary.toAbsolutePath().getParent());
      Files.writeString(summary, JfrSummary.summarize(jfr, workload + " on the procbus " + impl + ": " + rate,
        workload.equals("W1") ? units : units >> 20, workload.equals("W1") ? "spawn" : "MiB"));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private interface Step {
    /** Runs the workload once: the units it did (spawns or bytes) and the stdout chunks delivered. */
    long[] run() throws Exception;
  }
}
