package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessState;
import io.procbus.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deployment and the fire-and-forget control address. */
class ProcessVerticleTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  @Test
  @Timeout(20)
  void aBadConfigFailsTheDeploymentNamingTheKey() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> await(vertx.deployVerticle(new ProcessVerticle(),
      new DeploymentOptions().setConfig(new JsonObject().put("limits", new JsonObject().put("leaseMilis", 5))))));
    assertTrue(e.getMessage().contains("limits.leaseMilis"), e.getMessage());
  }

  /** A closed process stays known to info for retainClosedMillis, then is forgotten: UNKNOWN_PROCESS. */
  @Test
  @Timeout(20)
  void aClosedProcessIsForgottenAfterItsRetention() throws Exception {
    String deployment = await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(
      new JsonObject().put("prefix", "retain").put("limits", new JsonObject().put("retainClosedMillis", 200)))));
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setPrefix("retain"));
    ChildProcess child = await(client.exec(List.of("true"), new ProcessOptions()));
    await(child.closed());
    ProcessInfo info = await(client.service().list()).get(0);
    assertEquals(ProcessState.CLOSED, info.getState());
    assertEquals(0, info.getExitStatus().code());
    Await.until(vertx, "the closed process to be forgotten", 20, 10_000, () -> await(client.service().info(info.getId())
      .map(i -> false).recover(e -> Future.succeededFuture(
        ((ReplyException) e).failureCode() == ErrorCode.UNKNOWN_PROCESS.code()))));
    await(client.close());
    await(vertx.undeploy(deployment));
  }

  /** Deployed with several instances and one configured instance id, each instance gets addresses of its own. */
  @Test
  @Timeout(20)
  void severalInstancesOfOneDeploymentGetDistinctInstanceIds() throws Exception {
    String deployment = await(vertx.deployVerticle(ProcessVerticle.class, new DeploymentOptions().setInstances(3)
      .setConfig(new JsonObject().put("prefix", "multi").put("instance", "node"))));
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setPrefix("multi"));
    java.util.Set<String> instances = new java.util.HashSet<>();
    for (int i = 0; i < 9; i++) {
      ChildProcess c = await(client.exec(List.of("true"), new ProcessOptions()));
      assertEquals(0, await(c.waitFor()));
    }
    for (int i = 0; i < 6; i++) {
      await(client.service().list()).forEach(p -> instances.add(p.getInstance()));
    }
    assertEquals(3, instances.size(), instances.toString());
    instances.forEach(id -> assertTrue(id.startsWith("node-"), id));
    await(client.close());
    await(vertx.undeploy(deployment));
  }

  /**
   * Grants are fire and forget: a body that is not an object, wrong types, negative credit, an unknown id or a
   * stranger's grant are ignored, and the service carries on.
   */
  @Test
  @Timeout(20)
  void malformedGrantsAreIgnoredAndTheServiceCarriesOn() throws Exception {
    ProcessVerticle verticle = new ProcessVerticle();
    String deployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject()
      .put("prefix", "grants").put("instance", "g1"))));
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setPrefix("grants"));
    ChildProcess cat = await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
      .setStdout(Stdio.pipe()).setStderr(Stdio.devNull())));
    ProcessInfo info = await(client.service().list()).get(0);
    String control = new Addresses("grants").control("g1");
    vertx.eventBus().send(control, "not a grant");
    vertx.eventBus().send(control, new JsonObject().put(Control.ID, 5));
    vertx.eventBus().send(control, new JsonObject().put(Control.ID, info.getId()).put(Control.OWNER, client.owner())
      .put(Control.STDOUT, -100));
    vertx.eventBus().send(control, new JsonObject().put(Control.ID, info.getId()).put(Control.OWNER, client.owner())
      .put(Control.STDOUT, "lots"));
    vertx.eventBus().send(control, new JsonObject().put(Control.ID, "unknown").put(Control.OWNER, client.owner()));
    vertx.eventBus().send(control, new JsonObject().put(Control.ID, info.getId()).put(Control.OWNER, "stranger")
      .put(Control.STDOUT, 1 << 30));
    long credit = await(verticle.inspect(s -> s.process(info.getId()).credit(1)));
    assertTrue(credit <= ProcessClientOptions.DEFAULT_WINDOW, "only the owner's grants count: credit " + credit);
    cat.stdin().write(Buffer.buffer("still here\n"));
    assertEquals("still here\n", await(cat.stdout().readLine()).toString());
    await(cat.stdin().end());
    assertEquals(0, await(cat.waitFor()));
    await(client.close());
    await(vertx.undeploy(deployment));
  }
}
