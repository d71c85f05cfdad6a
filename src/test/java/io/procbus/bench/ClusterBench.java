package io.procbus.bench;

import io.procbus.api.ProcessEngine;
import io.procbus.api.RunRequest;
import io.procbus.api.SpawnRequest;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.launcher.Main;
import io.procbus.testing.ClusterFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cluster side of the benchmark ({@code bench/run --cluster}): a second procbus node, {@code b}, in its own
 * JVM (this JVM's class path, the launcher's {@code Main}, loopback Hazelcast on ports 6201–6210, a cluster
 * name of its own), and a clustered Vert.x in this JVM whose {@link ProcessClient} spawns every child on
 * {@code b}: client and child on different nodes. Its log is {@code target/bench-node-b.log}. The client's credit
 * window is the default, or the system property {@code bench.clusterWindow} (bytes).
 */
final class ClusterBench implements AutoCloseable {

  private static final List<String> HAZELCAST_JVM_ARGS = List.of("--add-modules", "java.se",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final Process node;
  private final Vertx vertx;
  private final ProcessClient client;

  private ClusterBench(Process node, Vertx vertx, ProcessClient client) {
    this.node = node;
    this.vertx = vertx;
    this.client = client;
  }

  /** Starts node {@code b}, joins its cluster and waits until a first run on {@code b} went through. */
  static ClusterBench start() throws Exception {
    ClusterFixture cluster = ClusterFixture.create("bench", 6201);
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(HAZELCAST_JVM_ARGS);
    argv.addAll(List.of("-Xms512m", "-Xmx1g", "-XX:+UseParallelGC", "-Dhazelcast.phone.home.enabled=false",
      "-Djava.util.logging.config.file=" + Path.of("conf", "logging.properties").toAbsolutePath(),
      "-Dvertx.hazelcast.config=" + cluster.hazelcastXml().toAbsolutePath(),
      "-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "-conf", ClusterFixture.nodeConfig("b", new JsonObject()).encode()));
    Process node = new ProcessBuilder(argv).redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Path log = Path.of("target", "bench-node-b.log");
    Thread pump = new Thread(() -> {
      try (Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
           BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(),
             StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          out.write(line + "\n");
          out.flush();
          if (line.equals(Main.READY)) {
            ready.complete(null);
          }
        }
      } catch (Exception e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("node b exited; see " + log.toAbsolutePath()));
    }, "bench-node-b");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(120, TimeUnit.SECONDS);
      Vertx vertx = ClusterFixture.join(cluster.hazelcastXml());
      ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setNode("b")
        .setWindow(Integer.getInteger("bench.clusterWindow", ProcessClientOptions.DEFAULT_WINDOW)));
      // the first cross-node requests after a join are slow (partition migration): settle before measuring
      for (int i = 0; i < 20; i++) {
        client.run(new RunRequest().setSpawn(new SpawnRequest().setCommand(List.of("true"))))
          .await(60, TimeUnit.SECONDS);
      }
      return new ClusterBench(node, vertx, client);
    } catch (Exception e) {
      node.destroyForcibly();
      throw e;
    }
  }

  /** The client whose children run on node {@code b}. */
  ProcessEngine engine() {
    return client;
  }

  /** Node {@code b}'s process. */
  ProcessHandle node() {
    return node.toHandle();
  }

  /** Starts a JFR recording in node {@code b} ({@code jcmd JFR.start}) of the events {@link ProfileRun} records here. */
  void startRecording() throws Exception {
    Path settings = Path.of("target", "bench", "node.jfc").toAbsolutePath();
    Files.createDirectories(settings.getParent());
    Files.writeString(settings, """
      <?xml version="1.0" encoding="UTF-8"?>
      <configuration version="2.0">
        <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">5 ms</setting>
          <setting name="stackTrace">true</setting></event>
        <event name="jdk.NativeMethodSample"><setting name="enabled">true</setting><setting name="period">5 ms</setting>
          <setting name="stackTrace">true</setting></event>
        <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting>
          <setting name="throttle">150/s</setting><setting name="stackTrace">true</setting></event>
        <event name="jdk.GarbageCollection"><setting name="enabled">true</setting></event>
      </configuration>
      """);
    jcmd("JFR.start", "name=bench", "settings=" + settings);
  }

  /** Stops node {@code b}'s recording and writes it to {@code jfr}. */
  void stopRecording(Path jfr) throws Exception {
    jcmd("JFR.stop", "name=bench", "filename=" + jfr.toAbsolutePath());
  }

  private void jcmd(String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
      Long.toString(node.pid())));
    argv.addAll(List.of(command));
    Process jcmd = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
      .start();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      jcmd.destroyForcibly();
      throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed on node b");
    }
  }

  /** The clustered Vert.x of the client. */
  Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() throws Exception {
    try {
      client.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      node.destroy();
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }
}
