package io.procbus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.TerminalSize;
import io.procbus.testing.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code procbus run -t} on a real terminal: util-linux {@code script} gives {@code bin/procbus} a pseudo-terminal
 * (in cooked mode with echo, as a person's), this test types into it and reads what it shows. A shell line in
 * the session runs the CLI and then prints its exit status and the terminal's settings, so what the CLI left
 * behind is seen from the terminal itself. The node has a policy allowing {@code tty}, {@code stty},
 * {@code sleep}, {@code cat} and {@code sh} on a terminal; {@code TERM} may be set only by the role
 * {@code termuser}; the role {@code plain} may run the same programs, but not on a terminal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTerminalIT {

  private static final String TOKEN = "cli-terminal-it-token-0123456789";
  private static final String TERM_TOKEN = "cli-terminal-it-term-0123456789";
  private static final String PLAIN_TOKEN = "cli-terminal-it-plain-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** What {@code stty -a} shows of a terminal in cooked mode with echo, and in raw mode without. */
  private static final Pattern COOKED = Pattern.compile("(?s).*(?<![-\\w])isig\\b.*(?<![-\\w])icanon\\b.*(?<![-\\w])echo\\b.*");
  private static final Pattern RAW = Pattern.compile("(?s).*-isig\\b.*-icanon\\b.*-echo\\b.*");

  private Path dir;
  private NodeProcess node;
  private int tcpPort;
  private JsonObject config;

  @BeforeAll
  @Timeout(180)
  void startNode() throws Exception {
    dir = Files.createTempDirectory("procbus-cli-terminal-it");
    Path tokens = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", TOKEN).put("principal", "tess").put("roles", new JsonArray().add("user")))
      .add(new JsonObject().put("token", TERM_TOKEN).put("principal", "tom")
        .put("roles", new JsonArray().add("termuser")))
      .add(new JsonObject().put("token", PLAIN_TOKEN).put("principal", "paul")
        .put("roles", new JsonArray().add("plain")))).encode());
    JsonArray programs = new JsonArray();
    for (String p : List.of("tty", "stty", "sleep", "cat", "sh")) {
      programs.add(new JsonObject().put("path", p));
    }
    JsonObject rule = new JsonObject().put("name", "terminal").put("roles", new JsonArray().add("user"))
      .put("programs", programs).put("terminal", true)
      .put("cwdRoots", new JsonArray().add(dir.toString())).put("maxRuntimeMillis", 120_000);
    JsonObject termRule = rule.copy().put("name", "terminal-with-TERM").put("roles", new JsonArray().add("termuser"))
      .put("envAllow", new JsonArray().add("TERM"));
    JsonObject plainRule = rule.copy().put("name", "no-terminal").put("roles", new JsonArray().add("plain"));
    plainRule.remove("terminal");
    Path policy = Files.writeString(dir.resolve("policy.json"), new JsonObject()
      .put("searchPath", new JsonArray().add("/usr/bin").add("/bin"))
      .put("rules", new JsonArray().add(rule).add(termRule).add(plainRule)).encode());
    config = new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("policy", new JsonObject().put("policyFile", policy.toString()));
    node = NodeProcess.startReady("cli-terminal", List.of("-conf", config.encode()), Map.of(), Duration.ofSeconds(90));
    String tcp = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), WAIT);
    tcpPort = Integer.parseInt(tcp.substring(tcp.lastIndexOf(':') + 1));
  }

  @AfterAll
  void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @Timeout(120)
  void ttyPrintsAPtsTheSizeIsTheLocalOneAndTheTerminalIsCookedAfter() throws Exception {
    // script's terminal has no size (0 0) until the line sets one
    try (Session s = session(Map.of(), procbus("run -t -- stty size") + "; stty rows 40 cols 120; "
      + procbus("run -t -- tty") + "; echo \"exit=$?\"; " + procbus("run -t -- stty size")
      + "; echo \"exit=$?\"; stty -a; echo end-of-session")) {
      String out = s.await("end-of-session");
      assertTrue(out.startsWith("24 80\r\n"), "80x24 for a terminal without a size: " + out);
      assertTrue(Pattern.compile("(^|\n)/dev/pts/[0-9]+\r\n").matcher(out).find(), out);
      assertTrue(out.contains("\r\n40 120\r\n"), "the local size at spawn: " + out);
      assertEquals(2, count(out, "exit=0\r\n"), out);
      assertFalse(out.contains("procbus: "), "nothing to complain about: " + out);
      assertTrue(COOKED.matcher(settings(out)).matches(), "cooked with echo after the run: " + settings(out));
    }
  }

  @Test
  @Timeout(120)
  void keysGoThroughAsTypedWithoutALocalEchoAndCtrlDEndsCat() throws Exception {
    try (Session s = session(Map.of(), procbus("run -t -- cat") + "; echo \"exit=$?\"; stty -a; echo end-of-session")) {
      String raw = s.awaitRaw();
      assertTrue(RAW.matcher(raw).matches(), "raw without echo while it runs: " + raw);
      s.type("typed\r");
      // the remote terminal echoes the line and cat prints it: twice; a local echo would make three
      s.await("typed\r\ntyped\r\n");
      s.type("\u0004"); // Ctrl-D: end of input for the remote terminal, not ours
      String out = s.await("end-of-session");
      assertEquals(2, count(out, "typed"), out);
      assertTrue(out.contains("exit=0\r\n"), out);
      assertTrue(COOKED.matcher(settings(out)).matches(), settings(out));
    }
  }

  @Test
  @Timeout(120)
  void ctrlCTypedInterruptsTheRemoteSleepAndItsStatusIsOurs() throws Exception {
    try (Session s = session(Map.of(), procbus("run -t -- sleep 100") + "; echo \"exit=$?\"; stty -a; "
      + procbus("run -t -- sh -c 'exit 7'") + "; echo \"exit=$?\"; echo end-of-session")) {
      s.awaitRaw();
      s.type("\u0003");
      String out = s.await("end-of-session");
      assertTrue(out.contains("exit=130\r\n"), "128 + SIGINT, from the remote terminal's Ctrl-C: " + out);
      assertTrue(out.contains("exit=7\r\n"), "the child's own code: " + out);
      assertTrue(COOKED.matcher(settings(out)).matches(), settings(out));
    }
  }

  @Test
  @Timeout(120)
  void aResizeOfTheLocalTerminalReachesTheChild() throws Exception {
    try (Session s = session(Map.of(), "stty rows 24 cols 80; " + procbus("run -t -- sh -c 'trap \"stty size\" WINCH;"
      + " echo ready; while :; do sleep 1; done'") + "; echo \"exit=$?\"; echo end-of-session")) {
      s.await("ready\r\n");
      s.awaitRaw();
      // the kernel sends SIGWINCH to the terminal's foreground process group: the CLI
      assertEquals(0, new ProcessBuilder("stty", "-F", s.tty(), "rows", "30", "cols", "100").inheritIO().start()
        .waitFor());
      s.await("30 100\r\n");
      s.type("\u0003");
      assertTrue(s.await("end-of-session").contains("exit=130\r\n"));
    }
  }

  @Test
  @Timeout(120)
  void sigintSigtermAndSighupToTheCliArePassedOnAndTheTerminalIsRestored() throws Exception {
    Map<String, Integer> status = Map.of("INT", 130, "TERM", 143, "HUP", 129);
    for (String signal : List.of("INT", "TERM", "HUP")) {
      Path pid = dir.resolve("cli-" + signal + ".pid");
      try (Session s = session(Map.of(), "sh -c 'echo $$ > " + pid + "; exec " + procbus("run -t -- sleep 100")
        + "'; echo \"exit=$?\"; stty -a; echo end-of-session")) {
        s.awaitRaw();
        String cli = Files.readString(pid).strip();
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, cli).inheritIO().start().waitFor());
        String out = s.await("end-of-session");
        assertTrue(out.contains("exit=" + status.get(signal) + "\r\n"), "128 + SIG" + signal + ": " + out);
        assertTrue(COOKED.matcher(settings(out)).matches(), signal + ": " + settings(out));
      }
    }
  }

  @Test
  @Timeout(120)
  void theLocalTermIsPassedWhenItIsNotTheNodesDefault() throws Exception {
    String line = procbus("run -t -- sh -c 'echo \"term=$TERM\"'") + "; echo \"exit=$?\"; ";
    try (Session s = session(Map.of("TERM", "vt100", "PROCBUS_TOKEN", TERM_TOKEN), line + "echo end-of-session")) {
      assertTrue(s.await("end-of-session").contains("term=vt100\r\n"));
    }
    // the default is not sent, so a rule that does not allow TERM (tess's) runs it: the node's default applies
    try (Session s = session(Map.of("TERM", TerminalSize.DEFAULT_TERM), line + "echo end-of-session")) {
      assertTrue(s.await("end-of-session").contains("term=" + TerminalSize.DEFAULT_TERM + "\r\n"));
    }
  }

  @Test
  @Timeout(120)
  void aRuleWithoutTerminalDeniesRunTWith126NamingTheCheck() throws Exception {
    try (Session s = session(Map.of("PROCBUS_TOKEN", PLAIN_TOKEN), procbus("run -t -- tty")
      + "; echo \"exit=$?\"; stty -a; echo end-of-session")) {
      String out = s.await("end-of-session");
      assertTrue(out.contains("procbus: denied by terminal (policy rule no-terminal)") && out.contains("exit=126\r\n"),
        out);
      assertTrue(COOKED.matcher(settings(out)).matches(), settings(out));
    }
  }

  @Test
  @Timeout(180)
  void aLostConnectionEndsTheRunWith125AndTheTerminalIsRestored() throws Exception {
    try (NodeProcess lost = NodeProcess.startReady("cli-terminal-lost", List.of("-conf", config.encode()), Map.of(),
      Duration.ofSeconds(90))) {
      String tcp = lost.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), WAIT);
      String port = tcp.substring(tcp.lastIndexOf(':') + 1);
      try (Session s = session(Map.of("PROCBUS_TCP_PORT", port), procbus("run -t -- sleep 100")
        + "; echo \"exit=$?\"; stty -a; echo end-of-session")) {
        s.awaitRaw();
        lost.close(); // SIGKILL: the connection is reset under the run
        String out = s.await("end-of-session");
        assertTrue(out.contains("procbus: lost the connection to 127.0.0.1:" + port) && out.contains("exit=125\r\n"),
          out);
        assertTrue(COOKED.matcher(settings(out)).matches(), settings(out));
      }
    }
  }

  // --- a terminal session

  /** {@code bin/procbus ARGS}, as a shell word list (the paths have no spaces). */
  private String procbus(String args) {
    return Path.of("bin", "procbus").toAbsolutePath() + " " + args;
  }

  /** The {@code stty -a} output after the run: from its {@code speed} line on. */
  private static String settings(String out) {
    int at = out.lastIndexOf("speed ");
    return at < 0 ? "" : out.substring(at);
  }

  private static int count(String text, String part) {
    return (text.length() - text.replace(part, "").length()) / part.length();
  }

  /** {@code sh -c LINE} on a new pseudo-terminal (util-linux script), the session's tty named in a file first. */
  private Session session(Map<String, String> env, String line) throws IOException {
    Path ttyFile = Files.createTempFile(dir, "tty", ".txt");
    ProcessBuilder pb = new ProcessBuilder("script", "-qfE", "always", "-c", "tty > " + ttyFile + "; " + line,
      "/dev/null").redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.put("PROCBUS_STATE_DIR", dir.resolve("state").toString());
    e.put("PROCBUS_TCP_PORT", Integer.toString(tcpPort));
    e.put("PROCBUS_TOKEN", TOKEN);
    e.put("TERM", TerminalSize.DEFAULT_TERM);
    e.put("SHELL", "/bin/sh"); // what script runs the line with
    e.putAll(env);
    return new Session(pb.start(), ttyFile);
  }

  /** One terminal session: what it shows, collected as it comes; keys typed into it. */
  private static final class Session implements AutoCloseable {

    private final Process script;
    private final Path ttyFile;
    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private final OutputStream keys;

    Session(Process script, Path ttyFile) {
      this.script = script;
      this.ttyFile = ttyFile;
      this.keys = script.getOutputStream();
      Thread reader = new Thread(() -> {
        byte[] b = new byte[8192];
        try (InputStream in = script.getInputStream()) {
          for (int n; (n = in.read(b)) > 0; ) {
            synchronized (shown) {
              shown.write(b, 0, n);
              shown.notifyAll();
            }
          }
        } catch (IOException e) {
          // the session ended
        }
      }, "terminal-session-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** Everything shown so far, once it contains {@code text}. */
    String await(String text) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      synchronized (shown) {
        while (true) {
          String now = shown.toString(StandardCharsets.UTF_8);
          if (now.contains(text)) {
            return now;
          }
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          assertTrue(left > 0, "the terminal never showed " + text.replace("\r", "\\r").replace("\n", "\\n")
            + "; it showed: " + now);
          shown.wait(left);
        }
      }
    }

    /** The session's terminal, {@code /dev/pts/N}. */
    String tty() throws Exception {
      String name = Files.readString(ttyFile).strip();
      assertTrue(name.startsWith("/dev/pts/"), name);
      return name;
    }

    /** The terminal's settings once the CLI put it in raw mode (stty -a of it, until it says so). */
    String awaitRaw() throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        String name = Files.readString(ttyFile).strip();
        if (name.startsWith("/dev/pts/")) {
          Process p = new ProcessBuilder("stty", "-a", "-F", name).redirectErrorStream(true).start();
          String settings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          p.waitFor();
          if (RAW.matcher(settings).matches()) {
            return settings;
          }
        }
        assertTrue(System.nanoTime() < deadline && script.isAlive(), "the terminal never went raw; it showed: "
          + shown());
      }
    }

    void type(String text) throws IOException {
      keys.write(text.getBytes(StandardCharsets.UTF_8));
      keys.flush();
    }

    private String shown() {
      synchronized (shown) {
        return shown.toString(StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() throws Exception {
      keys.close();
      if (!script.waitFor(30, TimeUnit.SECONDS)) {
        script.descendants().forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
        assertFalse(true, "the session did not end; it showed: " + shown());
      }
    }
  }
}
