package io.procbus.testing;

import io.procbus.launcher.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A procbus node as operators run it: {@code java -jar procbus-fat.jar …} in a separate JVM, for {@code *IT}
 * tests (failsafe passes the jar's path as {@code procbus.jar}).
 *
 * <p>The jar is copied once per test JVM before any node starts (rebuilding a jar under a running JVM breaks
 * it). Standard output and error go to {@code target/it-logs/<name>.log}, and a reader thread watches them
 * for lines, so waits are on lines, never on durations. {@link #close()} kills the node and its descendants
 * even when a test failed.
 */
public final class NodeProcess implements AutoCloseable {

  private static Path jarCopy;
  /** The pids of the JVMs started here and not yet closed. */
  private static final Set<Long> RUNNING = ConcurrentHashMap.newKeySet();

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(Predicate<String> match, CompletableFuture<String> found) {
  }

  private NodeProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    RUNNING.add(process.pid());
  }

  /** The pids of the JVMs this class started and that were not closed yet: not children of the code under test. */
  public static Set<Long> runningPids() {
    return Set.copyOf(RUNNING);
  }

  /** The JVM flags every node gets: the logging config of the tests. */
  public static List<String> defaultJvmArgs() {
    return List.of("-Djava.util.logging.config.file=" + Path.of("src/test/resources/logging.properties")
      .toAbsolutePath(), "-Dhazelcast.phone.home.enabled=false", "-Xmx512m");
  }

  /**
   * Starts {@code java <jvmArgs> -jar procbus.jar <appArgs>} with {@code env} added to this JVM's environment,
   * in the project directory (so {@code conf/…} paths work as in the README).
   */
  public static NodeProcess start(String name, List<String> jvmArgs, List<String> appArgs, Map<String, String> env)
    throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(jvmArgs);
    argv.add("-jar");
    argv.add(jar().toString());
    argv.addAll(appArgs);
    Path logs = Files.createDirectories(Path.of("target", "it-logs"));
    Path log = logs.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    NodeProcess node = new NodeProcess(name, pb.start(), log);
    node.pump(String.join(" ", argv));
    return node;
  }

  /**
   * Starts {@code java <jvmArgs> -cp <fat jar>:target/test-classes <mainClass> <appArgs>}: a JVM of this
   * project's test code with the node's whole runtime (a clustered client, for instance).
   */
  public static NodeProcess startMain(String name, List<String> jvmArgs, String mainClass, List<String> appArgs)
    throws IOException {
    return startMain(name, List.of(), jvmArgs, mainClass, appArgs);
  }

  /**
   * {@link #startMain(String, List, String, List)} through {@code wrapper}, a command that runs its arguments
   * ({@code setpriv --reuid=65534 … --}, say).
   */
  public static NodeProcess startMain(String name, List<String> wrapper, List<String> jvmArgs, String mainClass,
                                      List<String> appArgs) throws IOException {
    List<String> argv = new ArrayList<>(wrapper);
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(jvmArgs);
    argv.add("-cp");
    argv.add(jar() + java.io.File.pathSeparator + Path.of("target", "test-classes").toAbsolutePath());
    argv.add(mainClass);
    argv.addAll(appArgs);
    Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve(name + ".log");
    NodeProcess node = new NodeProcess(name, new ProcessBuilder(argv).redirectErrorStream(true).start(), log);
    node.pump(String.join(" ", argv));
    return node;
  }

  /** Starts a node with the default JVM flags and waits for {@link Main#READY}. */
  public static NodeProcess startReady(String name, List<String> appArgs, Map<String, String> env, Duration timeout)
    throws Exception {
    NodeProcess node = start(name, defaultJvmArgs(), appArgs, env);
    try {
      node.awaitLine(Main.READY::equals, timeout);
    } catch (Exception | AssertionError e) {
      node.close();
      throw e;
    }
    return node;
  }

  private static synchronized Path jar() throws IOException {
    if (jarCopy == null) {
      String built = System.getProperty("procbus.jar");
      if (built == null || !Files.isRegularFile(Path.of(built))) {
        throw new IllegalStateException("no fat jar at procbus.jar=" + built + ": run through `mvn verify`");
      }
      Path dir = Files.createDirectories(Path.of("target", "it"));
      jarCopy = Files.copy(Path.of(built), dir.resolve("procbus-" + ProcessHandle.current().pid() + ".jar"),
        StandardCopyOption.REPLACE_EXISTING);
      jarCopy.toFile().deleteOnExit();
    }
    return jarCopy;
  }

  private void pump(String commandLine) throws IOException {
    Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    out.write("$ " + commandLine + "\n");
    Thread t = new Thread(() -> {
      try (out; BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          out.write(line);
          out.write('\n');
          out.flush();
          offer(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        synchronized (this) {
          waiters.forEach(w -> w.found().completeExceptionally(new AssertionError("node " + name
            + " closed its output without the line; log: " + log.toAbsolutePath())));
          waiters.clear();
        }
      }
    }, "node-output-" + name);
    t.setDaemon(true);
    t.start();
  }

  private synchronized void offer(String line) {
    lines.add(line);
    waiters.removeIf(w -> w.match().test(line) && w.found().complete(line));
  }

  /** Returns the first line (already printed or still to come) that matches, or fails after {@code timeout}. */
  public String awaitLine(Predicate<String> match, Duration timeout) throws Exception {
    CompletableFuture<String> found = new CompletableFuture<>();
    synchronized (this) {
      for (String line : lines) {
        if (match.test(line)) {
          return line;
        }
      }
      if (!process.isAlive() && drained()) {
        throw new AssertionError("node " + name + " exited (" + process.exitValue() + "); log: "
          + log.toAbsolutePath());
      }
      waiters.add(new Waiter(match, found));
    }
    try {
      return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("node " + name + ": no matching line within " + timeout + "; log: "
        + log.toAbsolutePath());
    }
  }

  /** Whether the output was read to its end (the reader closes the stream at EOF). */
  private boolean drained() {
    try {
      return process.getInputStream().available() == 0;
    } catch (IOException closed) {
      return true;
    }
  }

  /** Every line printed so far. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * What the node spawned and is still there: its descendants but its watchdog (a process of its own for the
   * node's whole life, by design: docs/engine.md).
   */
  public List<ProcessHandle> spawnedDescendants() {
    return process.descendants().filter(p -> !p.info().arguments()
      .map(a -> List.of(a).contains("io.procbus.engine.linux.WatchdogMain")).orElse(false)).toList();
  }

  /** The node's JVM. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** The node JVM's pid. */
  public long pid() {
    return process.pid();
  }

  /** Sends {@code signal} (a name such as {@code TERM}, {@code KILL}, {@code STOP}, {@code CONT}) to the JVM. */
  public void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** Waits for the JVM to exit and returns its status; fails after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node " + name + " still running after " + timeout + "; log: " + log.toAbsolutePath());
    }
    return process.exitValue();
  }

  /** Kills the node and whatever it left behind (SIGKILL), and waits for the JVM. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(30, TimeUnit.SECONDS);
    RUNNING.remove(process.pid());
  }
}
