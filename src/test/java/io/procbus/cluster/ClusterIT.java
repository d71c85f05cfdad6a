package io.procbus.cluster;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.examples.NamedNodeExample;
import io.procbus.testing.Await;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.NodeProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.serviceproxy.ServiceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Placement and streaming across the shared two-node cluster ({@code a}, {@code b}, each its own JVM from the
 * fat jar): this JVM joins as a client without a service of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

  private ClusterFixture cluster;
  private Vertx vertx;
  private final List<ProcessClient> clients = new ArrayList<>();

  @BeforeAll
  void join() throws Exception {
    cluster = ClusterFixture.shared();
    vertx = cluster.join();
    // both nodes heard each other and this JVM can reach both: placement has its candidates
    ProcessClient probe = client(null);
    Await.until(vertx, "nodes a and b in each other's registry", 100, 30_000, () ->
      names(await(probe.service().nodes())).equals(List.of("a", "b")));
  }

  @AfterAll
  void leave() throws Exception {
    for (ProcessClient c : clients) {
      c.close().await(20, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private ProcessClient client(String node) {
    ProcessClient c = ProcessClient.create(vertx, new ProcessClientOptions().setNode(node));
    clients.add(c);
    return c;
  }

  private static List<String> names(List<NodeInfo> nodes) {
    return nodes.stream().map(NodeInfo::getNode).sorted().toList();
  }

  /** The pid of the JVM whose child {@code pid} is. */
  private static long parentOf(int pid) {
    return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
  }

  @Test
  @Timeout(60)
  void aSpawnOnANamedNodeRunsInThatNodesJvm() throws Exception {
    for (String node : List.of("a", "b")) {
      ProcessClient client = client(node);
      ChildProcess child = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
        .setStdout(Stdio.pipe())));
      assertEquals(cluster.node(node).pid(), parentOf(child.pid()), "the child of a spawn on node " + node);
      assertEquals("hi\n", await(child.communicate(Buffer.buffer("hi\n"))).stdout().toString());
      assertEquals(0, await(child.waitFor()));
    }
  }

  @Test
  @Timeout(60)
  void infoOnTheSharedAddressFindsAProcessOnEitherNode() throws Exception {
    ProcessService shared = client(null).service();
    String owner = "info-it";
    for (String node : List.of("a", "b")) {
      ProcessInfo spawned = await(shared.spawn(new SpawnRequest().setCommand(List.of("sleep", "60")).setOwner(owner)
        .setNode(node)));
      // the shared address takes turns between the nodes' instances: ask it more than once
      for (int i = 0; i < 4; i++) {
        ProcessInfo info = await(shared.info(spawned.getId()));
        assertEquals(spawned.getPid(), info.getPid(), "info for the child on node " + node);
      }
      await(ProcessService.createProxy(vertx, spawned.getServiceAddress())
        .signal(spawned.getId(), owner, "KILL", false));
    }
    ServiceException unknown = assertThrows(ServiceException.class, () -> await(shared.info("no-such-process")));
    assertEquals(ErrorCode.UNKNOWN_PROCESS.code(), unknown.failureCode());
  }

  @Test
  @Timeout(60)
  void theReadmeExampleRunsAChildOnTheNamedNode() throws Exception {
    assertEquals(Long.toString(cluster.node("a").pid()), await(NamedNodeExample.parentPidOn(vertx, "a")));
  }

  @Test
  @Timeout(60)
  void aRunOnANamedNodeRunsThereAndRepliesThroughTheForwarder() throws Exception {
    ProcessClient client = client(null);
    RunResult r = await(client.run(new RunRequest().setSpawn(new SpawnRequest()
      .setCommand(List.of("sh", "-c", "echo $PPID")).setNode("b"))));
    assertEquals(Long.toString(cluster.node("b").pid()), r.getStdout().toString().trim());
  }

  @Test
  @Timeout(60)
  void aSpawnOnANodeNobodyServesFailsWithUnknownNode() throws Exception {
    ProcessException e = Await.processFailure(() -> client("nowhere").exec(List.of("true"), new ProcessOptions()));
    assertEquals(ErrorCode.UNKNOWN_NODE, e.code());
    // this JVM serves nothing: "local" has no service to go to
    e = Await.processFailure(() -> client(SpawnRequest.LOCAL_NODE).exec(List.of("true"), new ProcessOptions()));
    assertEquals(ErrorCode.UNKNOWN_NODE, e.code());
  }

  @Test
  @Timeout(60)
  void nodesListsEveryNodeWithItsAddressLoadAndCapacity() throws Exception {
    ProcessClient client = client("a");
    ChildProcess held = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())));
    Await.until(vertx, "node a reporting its live child", 100, 20_000, () ->
      await(client.service().nodes()).stream().anyMatch(n -> n.getNode().equals("a") && n.getLive() >= 1));
    List<NodeInfo> nodes = await(client.service().nodes());
    assertEquals(List.of("a", "b"), names(nodes));
    for (NodeInfo n : nodes) {
      assertEquals("procbus.instance." + n.getNode(), n.getAddress());
      assertEquals(n.getNode(), n.getInstance());
      assertEquals(1024, n.getCapacity(), "capacity defaults to limits.maxProcesses");
      assertTrue(n.getLastSeen() > System.currentTimeMillis() - 30_000, "last seen recently: " + n);
    }
    await(held.stdin().end());
    assertEquals(0, await(held.waitFor()));
  }

  @Test
  @Timeout(60)
  void unnamedSpawnsSpreadOverTheNodesByLoad() throws Exception {
    ProcessClient client = client(null);
    List<ChildProcess> children = new ArrayList<>();
    Map<Long, Integer> perJvm = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      ChildProcess c = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())));
      children.add(c);
      perJvm.merge(parentOf(c.pid()), 1, Integer::sum);
    }
    assertEquals(Set.of(cluster.node("a").pid(), cluster.node("b").pid()), perJvm.keySet(),
      "children on both nodes: " + perJvm);
    for (ChildProcess c : children) {
      await(c.stdin().end());
      assertEquals(0, await(c.waitFor()));
    }
  }

  @Test
  @Timeout(120)
  void twoHundredFiftySixMibStreamAcrossNodesWithTheSameSha256() throws Exception {
    ProcessClient client = client("b");
    long size = 256L * 1024 * 1024;
    // the child hashes what it sends (stderr), the client hashes what it receives
    String script = "f=$(mktemp) && head -c " + size + " /dev/urandom > \"$f\""
      + " && sha256sum < \"$f\" | cut -d' ' -f1 >&2 && cat \"$f\"; rc=$?; rm -f \"$f\"; exit $rc";
    ChildProcess child = await(client.exec(List.of("sh", "-c", script), new ProcessOptions()
      .setStdout(Stdio.pipe()).setStderr(Stdio.pipe())));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long[] received = new long[1];
    Promise<Void> ended = Promise.promise();
    child.stdout().exceptionHandler(ended::tryFail).endHandler(ended::tryComplete).handler(chunk -> {
      sha.update(chunk.getBytes());
      received[0] += chunk.length();
    });
    Buffer sent = await(child.stderr().read());
    ended.future().await(90, TimeUnit.SECONDS);
    assertEquals(0, await(child.waitFor()));
    assertEquals(size, received[0]);
    assertEquals(sent.toString(StandardCharsets.US_ASCII).trim(), HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  @Timeout(60)
  void aStalledRemoteOwnerKeepsTheChildsNodeMemoryBounded() throws Exception {
    NodeProcess b = cluster.node("b");
    long rssBefore = rssKib(b.pid());
    ProcessClient client = client("b");
    ChildProcess child = await(client.exec(List.of("head", "-c", Long.toString(1L << 30), "/dev/zero"),
      new ProcessOptions().setStdout(Stdio.pipe())));
    child.stdout().pause(); // the owner reads nothing
    long[] last = {-1};
    int[] steady = {0};
    // the child's written bytes stop growing: it is blocked in write(), the service stopped reading
    Await.until(vertx, "the child's written bytes to stop growing", 200, 30_000, () -> {
      long now = wchar(child.pid());
      steady[0] = now == last[0] ? steady[0] + 1 : 0;
      last[0] = now;
      return steady[0] >= 5;
    });
    long growthKib = rssKib(b.pid()) - rssBefore;
    System.out.println("stalled owner: the child wrote " + last[0] + " bytes; node b's RSS grew " + growthKib + " KiB");
    assertTrue(last[0] < 16L * 1024 * 1024, "the child wrote " + last[0] + " bytes of 1 GiB with nobody reading");
    assertTrue(growthKib < 64 * 1024, "node b's RSS grew by " + growthKib + " KiB");
    child.kill();
    assertEquals(-9, await(child.waitFor()));
  }

  private static long wchar(int pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
      if (line.startsWith("wchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new AssertionError("no wchar for " + pid);
  }

  private static long rssKib(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no VmRSS for " + pid);
  }
}
