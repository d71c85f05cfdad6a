package io.procbus.cluster;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.procbus.api.Admission;
import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.SpawnRequest;
import io.procbus.policy.AdmissionKey;
import io.procbus.policy.Capabilities;
import io.procbus.policy.CommandPolicy;
import io.procbus.protocol.Headers;
import io.procbus.testing.Await;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, point 2, on one plain Vert.x: a node {@code x} without a policy, placing by load, and a node {@code w}
 * that advertises no capability (a bus consumer answering heartbeats, counting what reaches it). Sealed requests
 * go only where they can be honoured, run exactly as sealed, and are refused when altered or missing.
 */
class AdmittedPlacementTest {

  private static final String OWNER = "alice";
  private static final AdmissionKey KEY = AdmissionKey.perJvm();
  private static Vertx vertx;
  private static final AtomicInteger reachedW = new AtomicInteger();
  private static ProcessInfo busy;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("prefix", "adm").put("instance", "x-1")
      .put("cluster", new JsonObject().put("enabled", true).put("node", "x").put("capacity", 1)
        .put("heartbeatMillis", 50)))));
    NodeInfo w = new NodeInfo().setNode("w").setInstance("w-1").setAddress("adm.instance.w-1").setCapacity(1024)
      .setHeartbeatMillis(50).setCapabilities(List.of()).setAdmissionKey(KEY.id());
    vertx.setPeriodic(50, t -> vertx.eventBus().publish("adm.nodes", w.toJson()));
    for (String address : List.of("adm.instance.w-1", "adm.node.w")) {
      vertx.eventBus().consumer(address, m -> {
        reachedW.incrementAndGet();
        m.fail(ErrorCode.INTERNAL.code(), "w runs nothing");
      });
    }
    // x at 1 child of capacity 1, w at 0: by load alone, w is preferred
    busy = await(at("adm.instance.x-1").spawn(new SpawnRequest().setCommand(List.of("sleep", "3600"))
      .setOwner("busy")));
    Await.until(vertx, "x to hear w", 20, 10_000, () -> await(at("adm.instance.x-1").nodes()).size() == 2);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  private static ProcessService at(String address) {
    return ProcessService.createProxy(vertx, address);
  }

  private static SpawnRequest sealed(List<String> argv, List<String> requires) {
    return KEY.seal(new CommandPolicy.Decision(new SpawnRequest().setCommand(argv).setOwner(OWNER), 0, "test", 8,
      requires), OWNER);
  }

  @Test
  @Timeout(60)
  void sealedRequestsAreNeverPlacedOnANodeThatCannotHonourThem() throws Exception {
    int before = reachedW.get();
    assertEquals(ErrorCode.INTERNAL.code(), Await.replyFailure(at("adm.service").spawn(new SpawnRequest()
      .setCommand(List.of("true")).setOwner(OWNER))).failureCode(), "an unsealed spawn goes to w, the less loaded");
    assertEquals(before + 1, reachedW.get());
    for (int i = 0; i < 20; i++) {
      SpawnRequest r = sealed(List.of("/usr/bin/prlimit", "--nofile=77", "--", "/bin/sh", "-c", "ulimit -n"),
        List.of(Capabilities.RLIMITS));
      assertEquals("77\n", await(at("adm.service").run(new RunRequest().setSpawn(r))).getStdout().toString(),
        "run " + i + " ran on x exactly as sealed");
    }
    assertEquals(before + 1, reachedW.get(), "no sealed request reached w");
  }

  @Test
  @Timeout(30)
  void aSealedRequestPinnedToANodeThatCannotHonourItIsRefused() throws Exception {
    int before = reachedW.get();
    SpawnRequest r = sealed(List.of("/usr/bin/prlimit", "--nofile=77", "--", "/bin/true"),
      List.of(Capabilities.RLIMITS)).setNode("w");
    assertEquals(ErrorCode.INCAPABLE_NODE.code(), Await.replyFailure(at("adm.service").spawn(r)).failureCode());
    assertEquals(before, reachedW.get());
    // and a node asked for what it cannot do refuses it itself
    SpawnRequest teleport = sealed(List.of("/bin/true"), List.of("teleport"));
    assertEquals(ErrorCode.INCAPABLE_NODE.code(), Await.replyFailure(at("adm.instance.x-1").spawn(teleport))
      .failureCode());
  }

  @Test
  @Timeout(30)
  void anAlteredAdmissionIsDeniedOnANodeWithoutPolicyAndNothingRuns() throws Exception {
    Path marker = Files.createTempDirectory("admission").resolve("ran");
    SpawnRequest r = sealed(List.of("/bin/echo", "hi"), List.of());
    r.setCommand(List.of("/usr/bin/touch", marker.toString()));
    assertEquals(ErrorCode.DENIED.code(), Await.replyFailure(at("adm.instance.x-1").spawn(r)).failureCode());
    SpawnRequest forged = new SpawnRequest().setCommand(List.of("/usr/bin/touch", marker.toString())).setOwner(OWNER)
      .setAdmission(new Admission(sealed(List.of("/bin/echo"), List.of()).getAdmission()));
    assertEquals(ErrorCode.DENIED.code(), Await.replyFailure(at("adm.instance.x-1").run(new RunRequest()
      .setSpawn(forged))).failureCode());
    assertFalse(Files.exists(marker), "nothing ran");
  }

  @Test
  @Timeout(30)
  void aBridgeRequestWithoutAdmissionIsDeniedOnANodeWithoutPolicy() throws Exception {
    Path marker = Files.createTempDirectory("admission").resolve("ran");
    JsonObject spawn = new JsonObject().put("command", new JsonArray().add("/usr/bin/touch").add(marker.toString()))
      .put("owner", OWNER);
    for (JsonObject body : List.of(new JsonObject().put("request", spawn),
      new JsonObject().put("request", new JsonObject().put("spawn", spawn)))) {
      String action = body.getJsonObject("request").containsKey("spawn") ? "run" : "spawn";
      Throwable t = vertx.eventBus().request("adm.instance.x-1", body, new DeliveryOptions()
        .addHeader(Headers.ACTION, action).addHeader(Headers.ORIGIN, Headers.ORIGIN_BRIDGE))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(20, SECONDS);
      assertEquals(ErrorCode.DENIED.code(), ((io.vertx.core.eventbus.ReplyException) t).failureCode(), action);
    }
    assertFalse(Files.exists(marker), "nothing ran");
  }
}
