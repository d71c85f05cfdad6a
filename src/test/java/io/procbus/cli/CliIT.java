package io.procbus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.TerminalSize;
import io.procbus.launcher.Main;
import io.procbus.testing.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The quick start, as a person does it: a node started from the fat jar with {@code conf/config.json} and no token
 * file (its first start makes one), then {@code bin/procbus} processes against it. Nodes use a temporary state
 * directory and ephemeral ports; the audit log goes to the temporary directory too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

  private static final Duration START = Duration.ofSeconds(90);

  private Path dir;
  private Path state;
  private NodeProcess node;
  private int tcpPort;
  private String firstToken;

  /** {@code conf/config.json} with ephemeral ports and the audit log in {@code dir}: otherwise the shipped one. */
  private List<String> quickStartArgs() throws IOException {
    JsonObject conf = new JsonObject(Files.readString(Path.of("conf", "config.json")));
    conf.getJsonObject("audit").put("file", dir.resolve("audit.log").toString());
    for (String endpoint : List.of("tcp", "sockjs")) {
      conf.getJsonObject("bridges").getJsonObject(endpoint).put("port", 0);
    }
    conf.getJsonObject("http").put("port", 0);
    return List.of("-conf", conf.encode());
  }

  private Map<String, String> nodeEnv(Path stateDir) {
    return Map.of("PROCBUS_STATE_DIR", stateDir.toString());
  }

  @BeforeAll
  @Timeout(240)
  void firstStartThenRestart() throws Exception {
    dir = Files.createTempDirectory("procbus-cli-it");
    state = dir.resolve("state");
    Path tokens = state.resolve("tokens.json");
    String firstLine;
    try (NodeProcess first = NodeProcess.startReady("cli-first-start", quickStartArgs(), nodeEnv(state), START)) {
      firstLine = first.awaitLine(l -> l.startsWith("procbus: first start: made token file "), Duration.ofSeconds(5));
      first.signal("TERM");
      assertEquals(143, first.awaitExit(Duration.ofSeconds(60)));
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    JsonObject entry = new JsonObject(Files.readString(tokens)).getJsonArray("tokens").getJsonObject(0);
    firstToken = entry.getString("token");
    assertEquals(System.getProperty("user.name"), entry.getString("principal"));
    assertEquals(new JsonArray().add("user"), entry.getJsonArray("roles"));
    assertTrue(firstToken.length() >= 43, "256 bits: " + firstToken.length() + " base64url characters");
    assertTrue(firstLine.contains(tokens.toString()) && firstLine.contains("bin/procbus run -- echo hello"), firstLine);
    assertFalse(firstLine.contains(firstToken), "the line never shows the token: " + firstLine);

    node = NodeProcess.startReady("cli-node", quickStartArgs(), nodeEnv(state), START);
    String line = node.awaitLine(l -> l.startsWith("procbus: token file "), Duration.ofSeconds(5));
    assertTrue(line.contains(tokens.toString()), line);
    String tcp = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on 127.0.0.1:"), Duration.ofSeconds(5));
    tcpPort = Integer.parseInt(tcp.substring(tcp.lastIndexOf(':') + 1));
    assertTrue(line.contains("PROCBUS_TCP_PORT=" + tcpPort + " "), "the line says how to connect: " + line);
  }

  @AfterAll
  void stopTheNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  // --- the CLI as a person runs it

  private record Result(int status, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  private ProcessBuilder cli(Map<String, String> env, List<String> args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of("bin", "procbus").toAbsolutePath().toString());
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> e = pb.environment();
    e.remove("PROCBUS_TOKEN");
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.put("PROCBUS_STATE_DIR", state.toString());
    e.put("PROCBUS_TCP_PORT", Integer.toString(tcpPort));
    e.putAll(env);
    return pb.redirectInput(new File("/dev/null"));
  }

  private Result run(ProcessBuilder pb) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".bin");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return finish(p, out, err);
  }

  private static Result finish(Process p, Path out, Path err) throws Exception {
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/procbus did not finish in 120 s; stderr: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
  }

  @Test
  @Timeout(150)
  void runDashTOfTtyUnderTheShippedPolicyRunsOnANodeTerminal() throws Exception {
    // the README's line: util-linux script gives the CLI a terminal of its own
    ProcessBuilder pb = cli(Map.of("TERM", TerminalSize.DEFAULT_TERM), List.of());
    pb.command("script", "-qfec", String.join(" ", cli(Map.of(), List.of("run", "-t", "--", "tty")).command()),
      "/dev/null");
    Result r = run(pb);
    assertEquals(0, r.status(), r.stderr() + r.out());
    assertTrue(r.out().matches("(?s)/dev/pts/[0-9]+\r\n"), "the node's terminal: " + r.out());
  }

  private Result procbus(String... args) throws Exception {
    return run(cli(Map.of(), List.of(args)));
  }

  @Test
  @Timeout(120)
  void echoHelloPrintsHelloAndExitsZero() throws Exception {
    Result r = procbus("run", "--", "echo", "hello");
    assertEquals(0, r.status(), r.stderr());
    assertEquals("hello\n", r.out());
  }

  @Test
  @Timeout(120)
  void aShellIsDeniedByTheShippedPolicyWith126AndTheRule() throws Exception {
    Result r = procbus("run", "--", "sh", "-c", "exit 3");
    assertEquals(126, r.status(), r.stderr());
    assertTrue(r.stderr().contains("denied by program (policy rule users)"), r.stderr());
  }

  @Test
  @Timeout(120)
  void aMissingProgramExits127() throws Exception {
    Result r = procbus("run", "--", "no-such-program-procbus");
    assertEquals(127, r.status(), r.stderr());
    assertTrue(r.stderr().contains("no-such-program-procbus: no such program"), r.stderr());
  }

  @Test
  @Timeout(120)
  void rusagePrintsWhatTheChildUsedAfterItsOutputAndOnlyOnStderr() throws Exception {
    Result r = procbus("run", "--rusage", "--", "head", "-c", "1000", "/dev/zero");
    assertEquals(0, r.status(), r.stderr());
    assertArrayEquals(new byte[1000], r.stdout(), "stdout is the child's, byte for byte");
    assertTrue(r.stderr().matches("(?s)procbus: exit 0: user \\d+\\.\\d{3}s system \\d+\\.\\d{3}s maxrss [1-9]\\d* KiB\n"),
      r.stderr());
  }

  @Test
  @Timeout(120)
  void theChildsExitCodeIsTheCommands() throws Exception {
    assertEquals(1, procbus("run", "--", "false").status());
  }

  @Test
  @Timeout(180)
  void oneMebibytePipedThroughCatComesBackExact() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(11).nextBytes(data);
    Path in = Files.write(dir.resolve("in.bin"), data);
    Result r = run(cli(Map.of(), List.of("run", "--", "cat")).redirectInput(in.toFile()));
    assertEquals(0, r.status(), r.stderr());
    assertArrayEquals(data, r.stdout());
  }

  @Test
  @Timeout(240)
  void sleepKilledWithKillSignalMakesTheCommandExit137() throws Exception {
    try (Background sleeper = background("run", "--", "sleep", "100")) {
      String id = runningId("/sleep 100", sleeper);
      Result kill = procbus("kill", "-s", "KILL", id);
      assertEquals(0, kill.status(), kill.stderr());
      assertEquals(137, sleeper.finish().status(), "128 + SIGKILL");
    }
  }

  /** A {@code bin/procbus} running in the background, its output in files. */
  private record Background(Process process, Path out, Path err) implements AutoCloseable {
    Result finish() throws Exception {
      return CliIT.finish(process, out, err);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private Background background(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".bin");
    Path err = Files.createTempFile(dir, "err", ".txt");
    return new Background(cli(Map.of(), List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
      .start(), out, err);
  }

  /** The id of the running process whose command (as {@code ps} shows it) ends with {@code command}, polling {@code procbus ps --json}. */
  private String runningId(String command, Background run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      assertTrue(System.nanoTime() < deadline, command + " never showed in procbus ps --json");
      assertTrue(run.process().isAlive(), "the run ended early: " + Files.readString(run.err()));
      Result ps = procbus("ps", "--json");
      assertEquals(0, ps.status(), ps.stderr());
      for (Object o : new JsonArray(ps.out())) {
        JsonObject p = (JsonObject) o;
        if ("RUNNING".equals(p.getString("state")) && Tables.commandText(p.getJsonArray("argv")).endsWith(command)) {
          return p.getString("id");
        }
      }
    }
  }

  @Test
  @Timeout(240)
  void sigtermToTheCommandIsSentToTheChild() throws Exception {
    try (Background run = background("run", "--", "sleep", "101")) {
      runningId("/sleep 101", run);
      new ProcessBuilder("kill", "-TERM", Long.toString(run.process().pid())).inheritIO().start().waitFor();
      assertEquals(143, run.finish().status(), "128 + SIGTERM, the child's");
    }
  }

  @Test
  @Timeout(240)
  void logsFollowsTheOutputAsAnObserverUntilTheProcessEnds() throws Exception {
    Path out = Files.createTempFile(dir, "out", ".bin");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process owner = cli(Map.of(), List.of("run", "--", "cat")).redirectInput(ProcessBuilder.Redirect.PIPE)
      .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    Process logs = null;
    try {
      String id = runningId("/cat", new Background(owner, out, err));
      Path logsOut = Files.createTempFile(dir, "logs", ".bin");
      logs = cli(Map.of(), List.of("logs", "-f", id)).redirectOutput(logsOut.toFile())
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
      String following = new java.io.BufferedReader(new java.io.InputStreamReader(logs.getErrorStream(),
        StandardCharsets.UTF_8)).readLine(); // the handshake: subscribed
      assertTrue(following != null && following.startsWith("procbus: following process " + id), following);
      try (var stdin = owner.getOutputStream()) {
        stdin.write("seen by both\n".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(0, finish(owner, out, err).status());
      assertEquals("seen by both\n", Files.readString(out));
      assertTrue(logs.waitFor(120, TimeUnit.SECONDS), "logs ends with the process");
      assertEquals(0, logs.exitValue());
      assertEquals("seen by both\n", Files.readString(logsOut));
    } finally {
      owner.destroyForcibly();
      if (logs != null) {
        logs.destroyForcibly();
      }
    }
  }

  /** The node keeps a closed process's output for a while: {@code logs} of an {@code echo} that ended prints it. */
  @Test
  @Timeout(240)
  void logsOfAnExitedEchoPrintsItsOutput() throws Exception {
    Result echo = procbus("run", "--", "echo", "kept after the exit");
    assertEquals(0, echo.status(), echo.stderr());
    Result ps = procbus("ps", "--json");
    assertEquals(0, ps.status(), ps.stderr());
    String id = null;
    for (Object o : new JsonArray(ps.out())) {
      JsonObject p = (JsonObject) o;
      if (Tables.commandText(p.getJsonArray("argv")).endsWith("/echo kept after the exit")) {
        assertEquals("CLOSED", p.getString("state"), p.encode());
        id = p.getString("id");
      }
    }
    assertTrue(id != null, ps.out());
    Result logs = procbus("logs", id);
    assertEquals(0, logs.status(), logs.stderr());
    assertEquals("kept after the exit\n", logs.out());
    assertTrue(logs.stderr().contains("procbus: process " + id + " has ended (exit 0)"), logs.stderr());
  }

  @Test
  @Timeout(120)
  void withoutANodeTheErrorSaysSoAndHowToStartOne() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = run(cli(Map.of("PROCBUS_TCP_PORT", Integer.toString(port)), List.of("run", "--", "echo", "hi")));
    assertEquals(125, r.status(), r.stderr());
    assertTrue(r.stderr().contains("cannot connect to 127.0.0.1:" + port + " — is the node running? start it with"),
      r.stderr());
  }

  @Test
  @Timeout(120)
  void aWrongTokenIsRefusedWithoutShowingIt() throws Exception {
    Result r = run(cli(Map.of("PROCBUS_TOKEN", "not-the-token-0123456789"), List.of("ps")));
    assertEquals(125, r.status(), r.stderr());
    assertTrue(r.stderr().contains("refused the token from PROCBUS_TOKEN"), r.stderr());
    assertFalse(r.stderr().contains("not-the-token-0123456789"), r.stderr());
  }

  @Test
  @Timeout(120)
  void anUnknownIdIsNamedAsSuch() throws Exception {
    Result r = procbus("kill", "00000000-0000-0000-0000-000000000000");
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("no such process"), r.stderr());
  }

  @Test
  @Timeout(120)
  void theSameTokenIsReusedOnRestart() throws Exception {
    String token = new JsonObject(Files.readString(state.resolve("tokens.json"))).getJsonArray("tokens")
      .getJsonObject(0).getString("token");
    assertEquals(firstToken, token);
    assertTrue(node.lines().stream().noneMatch(l -> l.contains(token)), "the node never prints the token");
  }

  @Test
  @Timeout(120)
  void aNodeBeyondLoopbackWithoutATokenFileRefusesToStart() throws Exception {
    Path otherState = dir.resolve("state-refused");
    Map<String, String> env = new HashMap<>(nodeEnv(otherState));
    env.put("PROCBUS_TCP_HOST", "0.0.0.0");
    try (NodeProcess refused = NodeProcess.start("cli-refused", NodeProcess.defaultJvmArgs(), quickStartArgs(), env)) {
      String why = refused.awaitLine(l -> l.contains("refusing to start"), START);
      assertTrue(why.contains("bridges.tcp.host 0.0.0.0") && why.contains("PROCBUS_TOKEN_FILE"), why);
      assertEquals(Main.BAD_CONFIG, refused.awaitExit(Duration.ofSeconds(60)));
    }
    assertFalse(Files.exists(otherState.resolve("tokens.json")), "no token made for it");
  }
}
