package io.procbus.ops;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.launcher.Main;
import io.procbus.protocol.Addresses;
import io.procbus.testing.Await;
import io.procbus.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * docker/compose.yaml without Docker: its three services started as the image starts them (the Dockerfile's
 * ENTRYPOINT flags, the fat jar, each service's command and environment, conf/ with its cluster-docker.xml), on
 * loopback. The substitutions for one host: each service name becomes {@code 127.0.0.1:<port>} (Hazelcast ports
 * 6101–6103, 6104 for this JVM), Hazelcast is pinned to 127.0.0.1, and the bridges and HTTP bind 127.0.0.1 on
 * ephemeral ports. Then a node with live children is stopped with SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeClusterIT {

  private static final int BASE_PORT = 6101;
  private static final long KILL_GRACE_MILLIS = 1_000;
  private static final Pattern LISTENING = Pattern.compile(Pattern.quote(OperationsVerticle.LISTENING) + "(\\S+):(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> httpPorts = new HashMap<>();
  private final Map<String, String> loopbackMembers = new LinkedHashMap<>();
  private Vertx timers;
  private Vertx member;

  @BeforeAll
  @Timeout(180)
  void startTheComposeServicesOnLoopback() throws Exception {
    timers = Vertx.vertx();
    Map<String, Map<String, Object>> services = DockerCommand.services();
    int port = BASE_PORT;
    for (String name : services.keySet()) {
      loopbackMembers.put(name, "127.0.0.1:" + port++);
    }
    // what this test's bus client runs: the helper scripts, through sh
    Path policy = Files.writeString(Files.createDirectories(Path.of("target", "it")).resolve("compose-policy.json"),
      new JsonObject().put("searchPath", new JsonArray().add("/usr/bin").add("/bin"))
        .put("rules", new JsonArray().add(new JsonObject().put("name", "compose-it")
          .put("roles", new JsonArray().add("bus")).put("programs", new JsonArray().add(new JsonObject().put("path", "sh")))
          .put("cwdRoots", new JsonArray().add("/")))).encodePrettily());
    Path tokens = Files.writeString(Files.createTempDirectory("procbus-compose-it").resolve("tokens.json"),
      new JsonObject().put("tokens", new JsonArray().add(new JsonObject().put("token", "compose-it-token-0123456789")
        .put("principal", "compose-it").put("roles", new JsonArray().add("user")))).encode());
    List<String> jvmArgs = new ArrayList<>(DockerCommand.jvmArgs());
    jvmArgs.addAll(List.of("-Dhazelcast.local.localAddress=127.0.0.1", "-Dhazelcast.socket.bind.any=false",
      "-Dhazelcast.phone.home.enabled=false", "-Xmx384m"));
    // compose's depends_on: the services nobody waits for first, then the rest at once
    List<String> first = new ArrayList<>();
    List<String> then = new ArrayList<>();
    services.forEach((name, s) -> (s.containsKey("depends_on") ? then : first).add(name));
    for (List<String> wave : List.of(first, then)) {
      for (String name : wave) {
        Map<String, String> env = new HashMap<>(DockerCommand.environment(services.get(name)));
        String members = env.get("PROCBUS_CLUSTER_MEMBERS");
        for (Map.Entry<String, String> m : loopbackMembers.entrySet()) {
          members = members.replace(m.getKey(), m.getValue());
        }
        env.put("PROCBUS_CLUSTER_MEMBERS", members);
        env.put("PROCBUS_CLUSTER_PORT", loopbackMembers.get(name).split(":")[1]);
        env.put("PROCBUS_INSTANCE", name);
        env.put("PROCBUS_KILL_GRACE_MILLIS", Long.toString(KILL_GRACE_MILLIS));
        env.put("PROCBUS_POLICY_FILE", policy.toString()); // the shipped policy gives cluster (bus) callers nothing
        assertEquals("/run/secrets/procbus-tokens", env.get("PROCBUS_TOKEN_FILE"), "compose gives the nodes a token file");
        env.put("PROCBUS_TOKEN_FILE", tokens.toString()); // the compose secret, as mounted
        for (String endpoint : List.of("HTTP", "TCP", "SOCKJS")) {
          env.put("PROCBUS_" + endpoint + "_HOST", "127.0.0.1");
          env.put("PROCBUS_" + endpoint + "_PORT", "0");
        }
        nodes.put(name, NodeProcess.start(name, jvmArgs, DockerCommand.command(services.get(name)), env));
      }
      for (String name : wave) {
        NodeProcess node = nodes.get(name);
        node.awaitLine(Main.READY::equals, Duration.ofSeconds(120));
        Matcher m = LISTENING.matcher(node.awaitLine(l -> LISTENING.matcher(l).find(), Duration.ofSeconds(5)));
        assertTrue(m.find());
        assertEquals("127.0.0.1", m.group(1), "bound on loopback only");
        httpPorts.put(name, Integer.parseInt(m.group(2)));
      }
    }
  }

  @AfterAll
  void stopEverything() throws Exception {
    for (NodeProcess node : nodes.values()) {
      node.close();
    }
    if (member != null) {
      member.close().await(30, SECONDS);
    }
    timers.close().await(30, SECONDS);
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The member count a node's readiness reports, or -1 when it has none. */
  private int members(String node) throws Exception {
    JsonArray checks = new JsonObject(get(httpPorts.get(node), "/health/ready").body()).getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      JsonObject check = checks.getJsonObject(i);
      if ("cluster".equals(check.getString("id"))) {
        return check.getJsonObject("data").getInteger("members", -1);
      }
    }
    return -1;
  }

  @Test
  @Order(1)
  @Timeout(120)
  void theThreeNodesFormOneClusterAndEachIsReady() throws Exception {
    for (String node : nodes.keySet()) {
      Await.until(timers, node + " seeing 3 members", 200, 60_000, () -> members(node) == 3);
      HttpResponse<String> ready = get(httpPorts.get(node), "/health/ready");
      assertEquals(200, ready.statusCode(), node + ": " + ready.body());
      assertEquals("UP", new JsonObject(ready.body()).getString("status"));
      assertEquals(200, get(httpPorts.get(node), "/health/live").statusCode());
    }
    String metrics = get(httpPorts.get("procbus-1"), "/metrics").body();
    assertTrue(metrics.contains("\nprocbus_children_running ") && metrics.contains("\nvertx_eventbus_"), metrics);
  }

  @Test
  @Order(2)
  @Timeout(150)
  void sigtermTerminatesAndReapsTheNodesChildrenLeavesTheClusterAndExitsInBoundedTime() throws Exception {
    member = joinAsMember();
    String victim = "procbus-3";
    NodeProcess node = nodes.get(victim);
    ProcessClient client = ProcessClient.create(member, new ProcessClientOptions().setOwner("sigterm-it")
      .setServiceAddress(new Addresses(Addresses.DEFAULT_PREFIX).instance(victim)));
    List<Integer> pids = new ArrayList<>();
    for (String helper : List.of("ready-then-wait.sh", "ignore-term-then-wait.sh")) {
      String path = Path.of("src/test/resources/helpers", helper).toAbsolutePath().toString();
      ChildProcess child = client.exec(List.of("sh", path), new ProcessOptions().setStdin(Stdio.devNull())
        .setStdout(Stdio.pipe()).setStderr(Stdio.devNull()))
        .await(60, SECONDS);
      assertEquals("ready\n", child.stdout().readLine().await(30, SECONDS).toString(StandardCharsets.UTF_8));
      pids.add(child.pid());
      node.awaitLine(l -> l.contains(" spawned: pid " + child.pid() + ", owner sigterm-it"), Duration.ofSeconds(10));
    }
    pids.forEach(pid -> assertTrue(Files.exists(Path.of("/proc/" + pid)), "child " + pid + " runs"));
    assertTrue(node.spawnedDescendants().size() >= 2, "the children are the node's");

    long start = System.nanoTime();
    node.signal("TERM");
    int status = node.awaitExit(Duration.ofSeconds(60));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("ComposeClusterIT: SIGTERM to exit of a clustered node with 2 children (grace "
      + KILL_GRACE_MILLIS + " ms): " + elapsedMillis + " ms");
    assertEquals(143, status, "128 + SIGTERM");
    assertTrue(elapsedMillis < KILL_GRACE_MILLIS + Main.SHUTDOWN_MARGIN_MILLIS, elapsedMillis + " ms");
    for (int pid : pids) {
      Await.until(timers, "child " + pid + " gone from /proc", 20, 5_000, () -> Await.gone(pid));
    }

    Duration now = Duration.ofSeconds(1); // every step was logged before the exit
    node.awaitLine(l -> l.contains("procbus: SIGTERM received: stopping the node"), now);
    node.awaitLine(l -> l.contains("service instance " + victim + " stopping: new spawns refused; TERM to 2 children"),
      now);
    node.awaitLine(l -> l.contains("service instance " + victim + ": KILL to 1 children still running"), now);
    node.awaitLine(l -> l.contains(" killed: pid " + pids.get(1) + ", owner sigterm-it"), now);
    node.awaitLine(l -> l.contains(" exited: pid " + pids.get(0) + ", owner sigterm-it, signal TERM"), now);
    node.awaitLine(l -> l.contains(" exited: pid " + pids.get(1) + ", owner sigterm-it, signal KILL"), now);
    node.awaitLine(l -> l.contains("service instance " + victim + " stopped: every child reaped"), now);
    node.awaitLine(l -> l.contains("procbus: Vert.x closed, left the cluster in "), now);

    // the others saw it leave: procbus-1, procbus-2 and this JVM remain
    Await.until(timers, "procbus-1 seeing 3 members", 200, 30_000, () -> members("procbus-1") == 3);
    client.close().otherwiseEmpty().await(30, SECONDS);
  }

  /** This JVM as a fourth member, configured from conf/cluster-docker.xml like the nodes. */
  private Vertx joinAsMember() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("hz.members", String.join(",", loopbackMembers.values()));
    properties.setProperty("hz.port", Integer.toString(BASE_PORT + loopbackMembers.size()));
    Config config;
    try (InputStream in = Files.newInputStream(Path.of("conf", "cluster-docker.xml"))) {
      config = new XmlConfigBuilder(in).setProperties(properties).build();
    }
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    config.setProperty("hazelcast.socket.bind.any", "false");
    VertxOptions options = new VertxOptions()
      .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(config))
      .buildClustered().await(60, SECONDS);
  }
}
