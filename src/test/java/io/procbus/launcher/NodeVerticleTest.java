package io.procbus.launcher;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessService;
import io.procbus.config.ProcbusOptions;
import io.procbus.protocol.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node's parts are its own deployments: undeploying the node (or a failed start) leaves none behind. */
class NodeVerticleTest {

  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, SECONDS);
  }

  @Test
  @Timeout(60)
  void undeployingTheNodeUndeploysEveryPart() throws Exception {
    JsonObject config = new JsonObject().put("http", new JsonObject().put("enabled", true).put("port", 0));
    String node = vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(config))
      .await(30, SECONDS);
    Set<String> running = vertx.deploymentIDs();
    assertTrue(running.size() >= 3, "the node and its parts: " + running);

    vertx.undeploy(node).await(30, SECONDS);

    assertEquals(Set.of(), vertx.deploymentIDs());
  }

  @Test
  @Timeout(60)
  void aPartThatFailsToStartLeavesNoOtherPartRunning() throws Exception {
    HttpServer taken = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
      .await(30, SECONDS);
    JsonObject config = new JsonObject().put("http", new JsonObject().put("enabled", true)
      .put("port", taken.actualPort()));

    assertThrows(Exception.class, () -> vertx.deployVerticle(new NodeVerticle(),
      new DeploymentOptions().setConfig(config)).await(30, SECONDS));

    assertEquals(Set.of(), vertx.deploymentIDs());
  }

  /**
   * The launcher reads the configuration once and hands the options to the node, which hands them to its parts:
   * none reads its deployment config again (here one a strict read would refuse), and the service serves under the
   * handed prefix.
   */
  @Test
  @Timeout(60)
  void thePartsRunWithTheOptionsTheLauncherRead() throws Exception {
    ProcbusOptions options = ProcbusOptions.fromConfig(new JsonObject().put("prefix", "handed")
      .put("http", new JsonObject().put("enabled", true).put("port", 0)));
    JsonObject unread = new JsonObject().put("colour", "blue");

    vertx.deployVerticle(new NodeVerticle(options), new DeploymentOptions().setConfig(unread)).await(30, SECONDS);

    List<ProcessInfo> none = ProcessService.createProxy(vertx, new Addresses("handed").service()).list()
      .await(30, SECONDS);
    assertEquals(List.of(), none);
  }
}
