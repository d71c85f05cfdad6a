package io.procbus.cluster;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessService;
import io.procbus.policy.Capabilities;
import io.procbus.testing.Await;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, point 2 ("one admission point"), with two node JVMs from the fat jar: {@code edge}, with a strict
 * policy (rlimit {@code nofile} 77) and the TCP bridge, and {@code worker}, with no policy and no bridge; both
 * configured with the same admission key. What a bridge user may not run is denied every time, placed by load or
 * pinned to the worker, and nothing runs; what it may run runs on either node, under the edge's rlimits.
 *
 * <p>On a main without the admission point, the edge forwarded the request unchecked and the worker (no policy)
 * ran it: the forbidden {@code touch} created its file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionIT {

  private static final Pattern NOFILE = Pattern.compile("Max open files\\s+(\\d+)\\s+(\\d+)");
  private static final Pattern PPID = Pattern.compile("PPid:\\s+(\\d+)");

  private ClusterFixture cluster;
  private Vertx vertx;
  private Path dir;
  private Path marker;
  private int tcpPort;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("procbus-admission-it");
    Path root = Files.createDirectories(dir.resolve("root"));
    marker = dir.resolve("forbidden-ran");
    Path tokens = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", EdgeFixture.ALICE).put("principal", "alice")
        .put("roles", new JsonArray().add("user")))).encode());
    Path policy = Files.writeString(dir.resolve("policy.json"), EdgeFixture.policy(root,
      new JsonObject().put("rlimits", new JsonObject().put("nofile", 77))).encode());
    byte[] secret = new byte[48];
    new SecureRandom().nextBytes(secret);
    Path key = Files.writeString(dir.resolve("admission.key"), Base64.getEncoder().encodeToString(secret) + "\n");
    Map<String, JsonObject> nodes = new LinkedHashMap<>();
    nodes.put("edge", new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("policy", new JsonObject().put("policyFile", policy.toString()))
      .put("audit", new JsonObject().put("file", dir.resolve("edge-audit.log").toString()))
      .put("cluster", new JsonObject().put("admissionKeyFile", key.toString())));
    nodes.put("worker", new JsonObject()
      .put("audit", new JsonObject().put("file", dir.resolve("worker-audit.log").toString()))
      .put("cluster", new JsonObject().put("admissionKeyFile", key.toString())));
    cluster = ClusterFixture.create("admission", 6421);
    cluster.startNodes(nodes);
    String line = cluster.node("edge").awaitLine(l -> l.startsWith("procbus: tcp bridge on 127.0.0.1:"),
      Duration.ofSeconds(60));
    tcpPort = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
    vertx = cluster.join();
    ProcessService edge = ProcessService.createProxy(vertx, "procbus.node.edge");
    Await.until(vertx, "the edge to hear the worker", 100, 60_000, () -> {
      try {
        return await(edge.nodes()).size() == 2;
      } catch (Exception e) {
        return false; // not yet reachable
      }
    });
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JsonObject run(TcpBridgeClient t, JsonObject spawn) throws Exception {
    return t.command("procbus.service", "run", new JsonObject().put("request", new JsonObject().put("spawn", spawn)));
  }

  @Test
  @Timeout(120)
  void heartbeatsAdvertiseCapabilitiesAndOneSharedAdmissionKey() throws Exception {
    List<NodeInfo> nodes = await(ProcessService.createProxy(vertx, "procbus.node.worker").nodes());
    assertEquals(List.of("edge", "worker"), nodes.stream().map(NodeInfo::getNode).toList());
    assertEquals(nodes.get(0).getAdmissionKey(), nodes.get(1).getAdmissionKey());
    assertTrue(nodes.get(1).getCapabilities().contains(Capabilities.RLIMITS), nodes.toString());
  }

  @Test
  @Timeout(300)
  void aForbiddenCommandIsDeniedEveryTimeAndNothingRuns() throws Exception {
    JsonObject touch = new JsonObject().put("command", new JsonArray().add("touch").add(marker.toString()));
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(tcpPort, EdgeFixture.ALICE)) {
      for (String node : new String[] {null, "worker"}) {
        for (int i = 0; i < 20; i++) {
          JsonObject f = run(t, touch.copy().put("node", node));
          assertEquals(ErrorCode.DENIED.code(), f.getInteger("failureCode"), "try " + i + " on " + node + ": " + f);
          f = t.command("procbus.service", "spawn", new JsonObject().put("request", touch.copy().put("node", node)));
          assertEquals(ErrorCode.DENIED.code(), f.getInteger("failureCode"), "try " + i + " on " + node + ": " + f);
        }
      }
    }
    assertFalse(Files.exists(marker), "the forbidden command ran");
    Await.until(vertx, "80 denials in the edge's audit log", 50, 20_000, () -> Files.exists(dir.resolve(
      "edge-audit.log")) && Files.readAllLines(dir.resolve("edge-audit.log")).stream()
      .filter(l -> l.contains("\"event\":\"deny\"") && l.contains(marker.toString())).count() == 80);
    Path workerAudit = dir.resolve("worker-audit.log");
    assertTrue(!Files.exists(workerAudit) || Files.readAllLines(workerAudit).stream()
      .noneMatch(l -> l.contains(marker.toString())), "the worker saw the forbidden command");
  }

  @Test
  @Timeout(300)
  void anAllowedCommandRunsOnEitherNodeUnderTheEdgesRlimits() throws Exception {
    JsonObject cat = new JsonObject().put("command", new JsonArray().add("cat").add("/proc/self/limits")
      .add("/proc/self/status"));
    Map<Long, String> jvms = Map.of(cluster.node("edge").pid(), "edge", cluster.node("worker").pid(), "worker");
    Set<String> ranOn = new HashSet<>();
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(tcpPort, EdgeFixture.ALICE)) {
      for (String node : new String[] {"worker", "edge", null}) {
        for (int i = 0; i < 40 && (node != null ? i < 1 : ranOn.size() < 2 || i < 10); i++) {
          JsonObject f = run(t, cat.copy().put("node", node));
          assertEquals("message", f.getString("type"), f.encode());
          String out = new String(Base64.getUrlDecoder().decode(f.getJsonObject("body").getString("stdout")),
            StandardCharsets.UTF_8);
          Matcher limits = NOFILE.matcher(out);
          assertTrue(limits.find() && limits.group(1).equals("77") && limits.group(2).equals("77"),
            "the edge's rlimit nofile=77 in the child on " + node + ":\n" + out);
          Matcher ppid = PPID.matcher(out);
          assertTrue(ppid.find(), out);
          String ran = jvms.get(Long.parseLong(ppid.group(1)));
          assertTrue(ran != null, "the child's parent " + ppid.group(1) + " is a node JVM " + jvms);
          if (node != null) {
            assertEquals(node, ran, "a run pinned to " + node);
          }
          ranOn.add(ran);
        }
      }
    }
    assertEquals(Set.of("edge", "worker"), ranOn);
  }
}
