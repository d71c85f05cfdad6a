package io.procbus.bench;

import io.procbus.testing.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI side of the benchmark ({@code bench/run --cli}): {@code bin/procbus run -- true} wall time, JVM start
 * included, with and without the AppCDS archive, and {@code bin/procbus run -- cat} stdin-to-stdout throughput,
 * against a node JVM started from the fat jar ({@link NodeProcess}; first-start token in a temporary state
 * directory, the shipped policy). Needs the fat jar ({@code bench/run --cli} builds it).
 */
final class CliBench implements AutoCloseable {

  private final NodeProcess node;
  private final Path state;
  private final int port;

  private CliBench(NodeProcess node, Path state, int port) {
    this.node = node;
    this.state = state;
    this.port = port;
  }

  /** Starts the node from the fat jar and runs the CLI once (which makes its AppCDS archive). */
  static CliBench start() throws Exception {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "procbus-*-fat.jar")) {
      for (Path jar : jars) {
        System.setProperty("procbus.jar", jar.toString()); // what NodeProcess starts, as failsafe passes it
      }
    }
    Path state = Files.createTempDirectory("procbus-cli-bench");
    JsonObject conf = new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0)))
      .put("policy", new JsonObject().put("policyFile", "conf/policy.json"));
    NodeProcess node = NodeProcess.startReady("bench-cli-node", List.of("-conf", conf.encode()),
      Map.of("PROCBUS_STATE_DIR", state.toString()), Duration.ofSeconds(120));
    try {
      String tcp = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), Duration.ofSeconds(5));
      CliBench bench = new CliBench(node, state, Integer.parseInt(tcp.substring(tcp.lastIndexOf(':') + 1)));
      bench.time(true, "run", "--", "true"); // makes the AppCDS archive
      return bench;
    } catch (Exception | AssertionError e) {
      node.close();
      throw e;
    }
  }

  private ProcessBuilder cli(boolean cds, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of("bin", "procbus").toAbsolutePath().toString());
    argv.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("PROCBUS_STATE_DIR", state.toString());
    pb.environment().put("PROCBUS_TCP_PORT", Integer.toString(port));
    pb.environment().put("PROCBUS_CLI_CDS", cds ? "on" : "off");
    pb.environment().remove("PROCBUS_TOKEN");
    return pb;
  }

  /** Wall milliseconds of one CLI command, stdin from /dev/null, output discarded. */
  double time(boolean cds, String... args) throws Exception {
    long t = System.nanoTime();
    Process p = cli(cds, args).redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
      .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("bin/procbus " + String.join(" ", args) + " failed");
    }
    return (System.nanoTime() - t) / 1e6;
  }

  /** Median wall milliseconds of {@code runs} runs of {@code bin/procbus run -- true}. */
  double trueMillis(boolean cds, int runs) throws Exception {
    long[] ms = new long[runs];
    for (int i = 0; i < runs; i++) {
      ms[i] = Math.round(time(cds, "run", "--", "true"));
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  /** MB/s of {@code bytes} written to {@code bin/procbus run -- cat} and read back from its stdout. */
  double catMBps(long bytes) throws Exception {
    return pipe(cli(true, "run", "--", "cat"), bytes);
  }

  /** MB/s of {@code bytes} through a process started by {@code pb}, stdin to stdout. */
  static double pipe(ProcessBuilder pb, long bytes) throws Exception {
    long t = System.nanoTime();
    Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread writer = new Thread(() -> {
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = p.getOutputStream()) {
        for (long left = bytes; left > 0; left -= block.length) {
          out.write(block, 0, (int) Math.min(block.length, left));
        }
      } catch (IOException e) {
        // the reader below sees the short count
      }
    }, "bench-cli-stdin");
    writer.start();
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = p.getInputStream()) {
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
      }
    }
    writer.join();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || n != bytes) {
      throw new IllegalStateException("pipe: " + n + " of " + bytes + " bytes, exit " + p.exitValue());
    }
    return bytes / ((System.nanoTime() - t) / 1e9) / 1e6;
  }

  @Override
  public void close() throws Exception {
    node.close();
  }
}
