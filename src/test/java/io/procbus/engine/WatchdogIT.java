package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.testing.EdgeFixture;
import io.procbus.testing.NodeProcess;
import io.procbus.testing.ProcessExits;
import io.procbus.testing.TcpBridgeClient;
import io.procbus.testing.WatchdogFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, point 1: no child of a node outlives the node's JVM by more than 1 s, however the JVM dies. Real node
 * JVMs from the fat jar, children spawned through the TCP bridge, the JVM killed with SIGKILL.
 */
class WatchdogIT {

  private static final String TOKEN = "it-token-0123456789abcdef";
  private static final String SERVICE = "procbus.service";
  private static final Path HELPER = Path.of("src/test/resources/helpers/setsid-grandchild.sh").toAbsolutePath();

  private record Node(NodeProcess process, int tcpPort, int httpPort) {
  }

  private static Node start(String name, Path dir, Path state) throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", TOKEN).put("principal", "alice").put("roles", new JsonArray().add("user"))))
      .encode());
    Path root = Files.createDirectories(dir.resolve("root"));
    JsonObject policy = EdgeFixture.policy(root, new JsonObject().put("detached", true).put("maxLiveChildren", 16)
      .put("terminal", true)
      .put("programs", new JsonArray().add(new JsonObject().put("path", "sleep"))
        .add(new JsonObject().put("path", "setsid")).add(new JsonObject().put("path", "sh"))));
    Path policyFile = Files.writeString(dir.resolve("policy.json"), policy.encode());
    int httpPort;
    try (ServerSocket s = new ServerSocket(0)) {
      httpPort = s.getLocalPort();
    }
    JsonObject config = new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0)))
      .put("http", new JsonObject().put("enabled", true).put("port", httpPort))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("policy", new JsonObject().put("policyFile", policyFile.toString()));
    NodeProcess node = NodeProcess.startReady(name, List.of("-conf", config.encode()),
      Map.of("PROCBUS_STATE_DIR", state.toString()), Duration.ofSeconds(90));
    String line = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), Duration.ofSeconds(30));
    return new Node(node, Integer.parseInt(line.substring(line.lastIndexOf(':') + 1)), httpPort);
  }

  private static JsonObject spawn(TcpBridgeClient t, JsonObject request) throws Exception {
    JsonObject f = t.command(SERVICE, "spawn", new JsonObject().put("request", request.put("options",
      request.getJsonObject("options", new JsonObject()).put("stdin", new JsonObject().put("mode", "DEVNULL")))));
    assertEquals("message", f.getString("type"), f.encode());
    return f.getJsonObject("body");
  }

  private static JsonObject command(String... argv) {
    return new JsonObject().put("command", new JsonArray(List.of((Object[]) argv)));
  }

  /** Spawns the helper and reads, over the bridge, the pid of the grandchild it put in a session of its own. */
  private static long spawnSessionGrandchild(TcpBridgeClient t, Map<String, Long> pids) throws Exception {
    JsonObject info = spawn(t, command("sh", HELPER.toString()));
    pids.put("sh helper", info.getLong("pid"));
    t.frame(new JsonObject().put("type", "register").put("address", info.getString("eventAddress")));
    t.frame(new JsonObject().put("type", "send").put("address", info.getString("controlAddress"))
      .put("body", new JsonObject().put("id", info.getString("id")).put("stdout", 1024)));
    StringBuilder out = new StringBuilder();
    while (out.indexOf("\n") < 0) {
      JsonObject f = t.read();
      JsonObject body = f.getJsonObject("body");
      if ("stdout".equals(f.getJsonObject("headers", new JsonObject()).getString("type")) && body != null) {
        out.append(new String(Base64.getUrlDecoder().decode(body.getString("data")), StandardCharsets.US_ASCII));
      }
    }
    return Long.parseLong(out.substring(0, out.indexOf("\n")).trim());
  }

  /** Spawns every kind of child the issue names; returns their pids by kind. */
  private static Map<String, Long> spawnChildren(Node node) throws Exception {
    Map<String, Long> pids = new LinkedHashMap<>();
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(node.tcpPort(), TOKEN)) {
      pids.put("detached", spawn(t, command("sleep", "1000").put("detached", true)).getLong("pid"));
      pids.put("not detached", spawn(t, command("sleep", "1000")).getLong("pid"));
      pids.put("new session", spawn(t, command("sleep", "1000").put("options",
        new JsonObject().put("newSession", true))).getLong("pid"));
      pids.put("new process group", spawn(t, command("sleep", "1000").put("options",
        new JsonObject().put("newProcessGroup", true))).getLong("pid"));
      pids.put("setsid itself", spawn(t, command("setsid", "sleep", "1000").put("detached", true)).getLong("pid"));
      pids.put("grandchild in its own session", spawnSessionGrandchild(t, pids));
      // issue 15: on a pseudo-terminal, and deaf to the hang-up its terminal's end sends: only the watchdog ends it
      JsonObject onTerminal = t.command(SERVICE, "spawn", new JsonObject().put("request", command("sh", "-c",
        "trap '' HUP; exec sleep 1000").put("options", new JsonObject().put("terminal",
        new JsonObject().put("cols", 80).put("rows", 24)))));
      assertEquals("message", onTerminal.getString("type"), onTerminal.encode());
      pids.put("on a terminal, ignoring SIGHUP", onTerminal.getJsonObject("body").getLong("pid"));
    }
    return pids;
  }

  /** Waits until the node's watchdog has every child of {@code pids} on file (its JVM takes a while to start). */
  private static void awaitRecorded(Path state, long nodePid, Map<String, Long> pids) throws Exception {
    // the grandchild is not the node's child: its parent is
    WatchdogFile.awaitRecorded(state, nodePid, pids.entrySet().stream().filter(e -> !e.getKey().startsWith("grandchild"))
      .map(Map.Entry::getValue).toList(), Duration.ofSeconds(60));
  }

  private static List<String> alive(Map<String, Long> pids) {
    List<String> alive = new ArrayList<>();
    pids.forEach((kind, pid) -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
      .ifPresent(h -> alive.add(kind + " " + pid)));
    return alive;
  }

  private static void killAll(Map<String, Long> pids) {
    pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  @Timeout(240)
  void issue10EveryChildDiesWithinASecondOfTheNodesJvm() throws Exception {
    Path dir = Files.createTempDirectory("procbus-watchdog-it");
    Path state = dir.resolve("state");
    Map<String, Long> pids = Map.of();
    Node started = start("watchdog-kill9", dir, state);
    try (NodeProcess node = started.process()) {
      try {
        pids = spawnChildren(started);
        awaitRecorded(state, node.pid(), pids);
        try (ProcessExits exits = ProcessExits.watch(pids)) {
          node.signal("KILL");
          long killed = System.nanoTime();
          assertEquals(List.of(), exits.await(Duration.ofSeconds(1)), "alive 1 s after kill -9 of the node");
          System.out.printf("every child gone %d ms after kill -9 of the node%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        }
      } finally {
        killAll(pids);
      }
    }
  }

  @Test
  @Timeout(240)
  void whatARunLeftWhenItsWatchdogDiedTooIsKilledAtTheNextStartAndReported() throws Exception {
    Path dir = Files.createTempDirectory("procbus-watchdog-it");
    Path state = dir.resolve("state");
    Map<String, Long> pids = new LinkedHashMap<>();
    ProcessExits leftover = null;
    try {
      Node crashing = start("watchdog-crash", dir, state);
      try (NodeProcess node = crashing.process()) {
        try (TcpBridgeClient t = TcpBridgeClient.authenticated(crashing.tcpPort(), TOKEN)) {
          pids.put("detached", spawn(t, command("sleep", "1000").put("detached", true)).getLong("pid"));
        }
        awaitRecorded(state, node.pid(), pids);
        // the whole node dies at once, watchdog first (as a cgroup's OOM kill or a `kill -9` of both may do)
        ProcessHandle watchdog = node.handle().children()
          .filter(c -> c.info().arguments().map(a -> List.of(a).contains("io.procbus.engine.linux.WatchdogMain"))
            .orElse(false)).findFirst().orElseThrow(() -> new AssertionError("no watchdog under the node"));
        try (ProcessExits exit = ProcessExits.watch(Map.of("watchdog", watchdog.pid()))) {
          watchdog.destroyForcibly();
          assertEquals(List.of(), exit.await(Duration.ofSeconds(10)));
        }
        node.signal("KILL");
        node.awaitExit(Duration.ofSeconds(30));
        assertEquals(1, alive(pids).size(), "the child outlived a node whose watchdog died too");
      }
      leftover = ProcessExits.watch(pids);
      Node next = start("watchdog-next", dir, state);
      try (NodeProcess node = next.process()) {
        node.awaitLine(l -> l.contains("killed 1 processes left by a previous run"), Duration.ofSeconds(30));
        assertEquals(List.of(), leftover.await(Duration.ofSeconds(5)), "the leftover was killed");
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + next.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("procbus_children_leftover_total") && l.endsWith(" 1.0")),
          metrics.lines().filter(l -> l.contains("leftover")).toList().toString());
      }
    } finally {
      if (leftover != null) {
        leftover.close();
      }
      killAll(pids);
    }
  }
}
