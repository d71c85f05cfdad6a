package io.procbus.client;

import static io.procbus.testing.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.Stdio;
import io.procbus.protocol.Addresses;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several service instances in one Vert.x: spawns spread over them, each owns and answers for its children. */
class InstancesTest {

  private static Vertx vertx;
  private static ProcessClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    for (String instance : List.of("alpha", "beta")) {
      await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("instance", instance))));
    }
    client = ProcessClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  @Test
  @Timeout(30)
  void childrenOfEveryInstanceAreCommandedThroughTheirOwnInstance() throws Exception {
    Addresses addresses = new Addresses(Addresses.DEFAULT_PREFIX);
    List<ChildProcess> children = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      children.add(await(client.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
        .setStdout(Stdio.pipe()).setStderr(Stdio.devNull()))));
    }
    Set<String> instances = new HashSet<>();
    int listed = 0;
    for (String instance : List.of("alpha", "beta")) {
      List<ProcessInfo> infos = await(ProcessService.createProxy(vertx, addresses.instance(instance)).list());
      for (ProcessInfo info : infos) {
        assertEquals(instance, info.getInstance());
        assertEquals(addresses.instance(instance), info.getServiceAddress());
        assertEquals(addresses.control(instance), info.getControlAddress());
        instances.add(instance);
        listed++;
      }
    }
    assertEquals(Set.of("alpha", "beta"), instances, "round robin over <prefix>.service uses both");
    assertEquals(8, listed);
    for (ChildProcess c : children) {
      c.stdin().write(io.vertx.core.buffer.Buffer.buffer("x\n"));
      assertEquals("x\n", await(c.stdout().readLine()).toString());
      await(c.terminate());
      assertEquals(-15, await(c.waitFor()));
    }
    assertTrue(client.liveCount() == 0);
  }
}
