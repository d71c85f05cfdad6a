package io.procbus.cluster;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.testing.Await;
import io.procbus.testing.ClientNodeMain;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.NodeProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Loss is never silent: a killed client node, a killed service node, a stalled (partitioned) service node.
 * A cluster of its own: nodes {@code c}, {@code d}, {@code e} with a 3 s lease, a 500 ms heartbeat and a
 * 2.5 s node timeout, and this JVM as a client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLossIT {

  private static final long LEASE_MILLIS = 3_000;
  private static final long NODE_TIMEOUT_MILLIS = 2_500;
  /** The bound for a client to learn that the node holding its child is gone. */
  private static final long LOSS_BOUND_MILLIS = 10_000;

  private ClusterFixture cluster;
  private Vertx vertx;
  private final List<ProcessClient> clients = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    cluster = ClusterFixture.create("loss", 5921);
    try {
      cluster.startNodes(List.of("c", "d", "e"), new JsonObject()
        .put("limits", new JsonObject().put("leaseMillis", LEASE_MILLIS))
        .put("engine", new JsonObject().put("killGraceMillis", 1_000))
        .put("cluster", new JsonObject().put("heartbeatMillis", 500).put("nodeTimeoutMillis", NODE_TIMEOUT_MILLIS)));
      vertx = cluster.join();
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  @AfterAll
  void stop() throws Exception {
    try {
      for (ProcessClient c : clients) {
        c.close().await(20, TimeUnit.SECONDS);
      }
    } finally {
      cluster.close();
    }
  }

  private ProcessClient client(String node) {
    ProcessClient c = ProcessClient.create(vertx, new ProcessClientOptions().setNode(node).setLeaseRenewMillis(500)
      .setNodeTimeoutMillis(NODE_TIMEOUT_MILLIS).setRequestTimeoutMillis(5_000));
    clients.add(c);
    return c;
  }

  @Test
  @Timeout(120)
  void killingTheClientNodeEndsItsChildrenWhenItsLeaseExpires() throws Exception {
    List<String> jvm = new ArrayList<>(NodeProcess.defaultJvmArgs());
    jvm.addAll(List.of("--add-modules", "java.se", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
    String helper = Path.of("target", "test-classes", "helpers", "ready-then-wait.sh").toAbsolutePath().toString();
    try (NodeProcess clientNode = NodeProcess.startMain(cluster.name() + "-client", jvm,
      ClientNodeMain.class.getName(),
      List.of(cluster.hazelcastXml().toAbsolutePath().toString(), "c", "500", helper))) {
      String line = clientNode.awaitLine(l -> l.startsWith(ClientNodeMain.CHILD), ClusterFixture.NODE_STARTUP);
      int pid = Integer.parseInt(line.substring(ClientNodeMain.CHILD.length()));
      assertEquals(cluster.node("c").pid(), ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
        .map(ProcessHandle::pid).orElse(-1L), "the child runs on node c");
      clientNode.signal("KILL");
      long killed = System.nanoTime();
      clientNode.awaitExit(Duration.ofSeconds(10));
      Await.until(vertx, "the dead client's child to be terminated and reaped", 50, 20_000, () -> Await.gone(pid));
      long tookMillis = (System.nanoTime() - killed) / 1_000_000;
      System.out.println("client node killed: its child gone after " + tookMillis + " ms (lease " + LEASE_MILLIS + ")");
      // the lease runs from the last renewal (≤ 500 ms before the kill), checked every 750 ms; TERM ends sleep
      assertTrue(tookMillis <= LEASE_MILLIS + 2_000, "child gone " + tookMillis + " ms after the kill");
    }
  }

  @Test
  @Timeout(120)
  void killingTheServiceNodeFailsTheClientsFuturesWithNodeLostWithinTheBound() throws Exception {
    ProcessClient client = client("d");
    ChildProcess cat = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
      .setStdout(Stdio.pipe())));
    Future<Integer> exit = cat.waitFor();
    Future<?> read = cat.stdout().read();
    cluster.node("d").signal("KILL");
    long killed = System.nanoTime();
    ProcessException e = Await.processFailure(() -> exit);
    long tookMillis = (System.nanoTime() - killed) / 1_000_000;
    System.out.println("service node killed: waitFor failed with " + e.code() + " after " + tookMillis + " ms");
    assertEquals(ErrorCode.NODE_LOST, e.code());
    assertTrue(tookMillis <= LOSS_BOUND_MILLIS, "waitFor failed " + tookMillis + " ms after the kill");
    assertEquals(ErrorCode.NODE_LOST, Await.processFailure(() -> read).code(), "a pending read");
    assertEquals(ErrorCode.NODE_LOST, Await.processFailure(() -> cat.communicate(null)).code(), "communicate");
  }

  @Test
  @Timeout(120)
  void aNodeThatComesBackAfterBeingDeclaredLostNeverHasItsChildrenControlledAgain() throws Exception {
    ProcessClient client = client("e");
    ChildProcess child = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())));
    ProcessService instanceE = ProcessService.createProxy(vertx, "procbus.instance.e");
    String id = await(instanceE.list()).stream().filter(i -> i.getPid() == child.pid()).findFirst()
      .map(ProcessInfo::getId).orElseThrow();
    NodeProcess e = cluster.node("e");
    // a partition, as far as the others can tell: the node's JVM stops answering and sending heartbeats
    e.signal("STOP");
    try {
      long stopped = System.nanoTime();
      ProcessException lost = Await.processFailure(child::waitFor);
      long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
      System.out.println("service node stopped: waitFor failed with " + lost.code() + " after " + tookMillis + " ms");
      assertEquals(ErrorCode.NODE_LOST, lost.code());
      assertTrue(tookMillis <= LOSS_BOUND_MILLIS, "waitFor failed " + tookMillis + " ms after SIGSTOP");
      assertFalse(Await.gone(child.pid()), "the child still runs on the stalled node");
    } finally {
      e.signal("CONT");
    }
    // healed: the client kills what it gave up instead of resuming control; nobody else may control it
    Await.until(vertx, "the given-up child to be killed after the heal", 50, 20_000, () -> Await.gone(child.pid()));
    assertTrue(child.returnCode() == null, "the client never resumed tracking the child");
    assertEquals(ErrorCode.NOT_OWNER.code(), Await.replyFailure(instanceE.signal(id, "someone-else", "TERM", false))
      .failureCode(), "another owner may not control it");
  }
}
