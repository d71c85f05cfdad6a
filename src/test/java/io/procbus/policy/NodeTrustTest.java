package io.procbus.policy;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.bridge.BridgeVerticle;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, point 2: a node reads its policy and token files once, for its service and its bridges together
 * (it read them twice, once per part).
 */
class NodeTrustTest {

  @Test
  @Timeout(60)
  void theServiceAndTheBridgesOfANodeReadItsFilesOnce() throws Exception {
    Path dir = Files.createTempDirectory("procbus-trust");
    Path root = Files.createDirectories(dir.resolve("root"));
    Path tokens = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", EdgeFixture.ALICE).put("principal", "alice")
        .put("roles", new JsonArray().add("user")))).encode());
    Path policy = Files.writeString(dir.resolve("policy.json"), EdgeFixture.policy(root, new JsonObject()).encode());
    JsonObject config = new JsonObject().put("prefix", "trust")
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0))
        .put("sockjs", new JsonObject().put("enabled", false)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("policy", new JsonObject().put("policyFile", policy.toString()));
    List<String> loads = new CopyOnWriteArrayList<>();
    Logger log = Logger.getLogger(NodeTrust.class.getName());
    Handler counter = new Handler() {
      @Override
      public void publish(LogRecord r) {
        loads.add(r.getMessage());
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Level before = log.getLevel();
    log.setLevel(Level.INFO);
    log.addHandler(counter);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      DeploymentOptions options = new DeploymentOptions().setConfig(config);
      await(vertx.deployVerticle(new ProcessVerticle(), options));
      // the files are gone: the bridges can only use what the node read for its service
      Files.delete(policy);
      Files.delete(tokens);
      BridgeVerticle bridge = new BridgeVerticle();
      await(vertx.deployVerticle(bridge, options));
      try (TcpBridgeClient t = TcpBridgeClient.authenticated(bridge.tcpPort(), EdgeFixture.ALICE)) {
        JsonObject f = t.command("trust.service", "spawn", new JsonObject().put("request", new JsonObject()
          .put("command", new JsonArray().add("rm").add("-rf").add(root.toString()))));
        assertEquals(ErrorCode.DENIED.code(), f.getInteger("failureCode"), f.encode());
        assertTrue(f.getString("message").contains("policy rule users"), f.getString("message"));
      }
      assertEquals(1, loads.stream().filter(m -> m.startsWith("node trust loaded")).count(), loads.toString());
    } finally {
      vertx.close().await(20, SECONDS);
      log.removeHandler(counter);
      log.setLevel(before);
    }
  }
}
