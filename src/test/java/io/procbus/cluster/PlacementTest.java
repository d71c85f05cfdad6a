package io.procbus.cluster;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.SpawnRequest;
import io.procbus.testing.Await;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Placement on one plain (not clustered) Vert.x with two instances, nodes {@code x} and {@code y}: named and
 * local spawns, {@code nodes}, {@code UNKNOWN_NODE}. Across JVMs: {@code ClusterIT}.
 */
class PlacementTest {

  private static final String OWNER = "placement-test";
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    for (String node : List.of("x", "y")) {
      await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("prefix", "place").put("instance", node + "-1")
        .put("cluster", new JsonObject().put("node", node).put("heartbeatMillis", 50)
          .put("nodeTimeoutMillis", 5000)))));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  private static ProcessService at(String address) {
    return ProcessService.createProxy(vertx, address);
  }

  private static SpawnRequest sleep(String node) {
    return new SpawnRequest().setCommand(List.of("sleep", "3600")).setOwner(OWNER).setNode(node);
  }

  @Test
  @Timeout(30)
  void aNamedNodeRunsTheChildWhicheverInstanceReceivesTheRequest() throws Exception {
    for (String receiver : List.of("x-1", "y-1")) {
      for (String node : List.of("x", "y")) {
        ProcessInfo info = await(at("place.instance." + receiver).spawn(sleep(node)));
        assertEquals(node + "-1", info.getInstance(), "spawn for " + node + " received by " + receiver);
        assertEquals("place.instance." + node + "-1", info.getServiceAddress());
        await(at(info.getServiceAddress()).closeProcess(info.getId(), OWNER));
      }
    }
  }

  @Test
  @Timeout(30)
  void localAndUnnamedSpawnsRunOnTheReceivingInstanceWhenNotClustered() throws Exception {
    for (String node : List.of(SpawnRequest.LOCAL_NODE, SpawnRequest.ANY_NODE)) {
      ProcessInfo info = await(at("place.instance.y-1").spawn(sleep(node)));
      assertEquals("y-1", info.getInstance(), node);
      await(at(info.getServiceAddress()).closeProcess(info.getId(), OWNER));
    }
  }

  @Test
  @Timeout(30)
  void aRunIsPlacedLikeASpawn() throws Exception {
    String out = await(at("place.instance.x-1").run(new RunRequest().setSpawn(new SpawnRequest()
      .setShell("echo here").setOwner(OWNER).setNode("y")))).getStdout().toString();
    assertEquals("here\n", out);
  }

  @Test
  @Timeout(30)
  void aNodeNobodyServesFailsWithUnknownNode() throws Exception {
    assertEquals(ErrorCode.UNKNOWN_NODE.code(), Await.replyFailure(at("place.service").spawn(sleep("z")))
      .failureCode());
    assertEquals(ErrorCode.UNKNOWN_NODE.code(), Await.replyFailure(at("place.service").run(new RunRequest()
      .setSpawn(sleep("z")))).failureCode());
  }

  @Test
  @Timeout(30)
  void nodesListsEveryInstanceItHearsFromWithItsLoad() throws Exception {
    ProcessInfo held = await(at("place.instance.x-1").spawn(sleep("x")));
    Await.until(vertx, "y to hear x's heartbeat with its child", 20, 10_000, () ->
      await(at("place.instance.y-1").nodes()).stream().anyMatch(n -> n.getNode().equals("x") && n.getLive() == 1));
    List<NodeInfo> nodes = await(at("place.instance.y-1").nodes());
    assertEquals(List.of("x", "y"), nodes.stream().map(NodeInfo::getNode).toList());
    assertEquals(List.of("x-1", "y-1"), nodes.stream().map(NodeInfo::getInstance).toList());
    assertEquals(1024, nodes.get(1).getCapacity());
    assertEquals(50, nodes.get(0).getHeartbeatMillis());
    await(at(held.getServiceAddress()).closeProcess(held.getId(), OWNER));
  }

  @Test
  @Timeout(30)
  void aBadNodeNameFailsTheDeployment() throws Exception {
    for (String bad : List.of("any", "local", "a.b")) {
      Throwable t = vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("prefix", "bad").put("cluster", new JsonObject().put("node", bad))))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(20, SECONDS);
      assertTrue(t != null && t.getMessage().contains("cluster.node"), "node '" + bad + "': " + t);
    }
  }
}
