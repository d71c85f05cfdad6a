package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.processFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.testing.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kill-on-drop across the bus: leases, release on client close, and children reaped before undeploy ends. */
class LeaseTest {

  private static final long LEASE = 500;
  private static final ProcessOptions QUIET = new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe())
    .setStderr(Stdio.devNull());

  private Vertx vertx;
  private ProcessVerticle verticle;
  private String deployment;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    verticle = new ProcessVerticle();
    deployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject()
      .put("limits", new JsonObject().put("leaseMillis", LEASE))
      .put("engine", new JsonObject().put("killGraceMillis", 1000)))));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  /**
   * An owner that stops renewing (its Vert.x crashed, say) loses its children once the lease expires: the
   * service publishes {@code terminated}, sends TERM, and the child is reaped; {@code /proc} has no trace.
   */
  @Test
  @Timeout(30)
  void anExpiredLeaseKillsTheOwnersChildrenAndLeavesNothingInProc() throws Exception {
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setLeaseRenewMillis(0));
    ChildProcess child = await(client.exec(List.of("sleep", "3600"), QUIET));
    ProcessInfo info = byPid(client, child.pid());
    List<String> types = new CopyOnWriteArrayList<>(); // appended on the event loop, read here
    Promise<JsonObject> terminated = Promise.promise();
    Promise<ExitStatus> exit = Promise.promise();
    MessageConsumer<Object> observer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      types.add(m.headers().get(Headers.TYPE));
      if (EventType.TERMINATED.wire().equals(m.headers().get(Headers.TYPE))) {
        terminated.tryComplete((JsonObject) m.body());
      }
      if (EventType.EXIT.wire().equals(m.headers().get(Headers.TYPE))) {
        exit.tryComplete(new ExitStatus((JsonObject) m.body()));
      }
    });
    await(observer.completion());
    JsonObject why = await(terminated.future());
    assertEquals("lease-expired", why.getString(EventFields.REASON));
    assertEquals(ErrorCode.TERMINATED.code(), why.getInteger(EventFields.CODE));
    assertEquals(-15, await(exit.future()).returnCode(), "SIGTERM");
    assertTrue(types.indexOf("terminated") < types.indexOf("exit"), types.toString());
    Await.until(vertx, "/proc/" + child.pid() + " to disappear", 10, 10_000, () -> Await.gone(child.pid()));
    assertEquals(ErrorCode.TERMINATED, processFailure(child::waitFor).code());
    assertEquals(0, client.liveCount());
    observer.unregister();
  }

  /** A client that renews keeps its child through many lease periods (counted in lease checks, not time). */
  @Test
  @Timeout(30)
  void aRenewingClientKeepsItsChild() throws Exception {
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setLeaseRenewMillis(LEASE / 5));
    ChildProcess child = await(client.exec(List.of("cat"), QUIET));
    long checks = await(verticle.inspect(ProcessServiceImpl::leaseChecks));
    // four checks per lease: twelve are three whole leases
    Await.until(vertx, "twelve lease checks", 20, 20_000,
      () -> await(verticle.inspect(ProcessServiceImpl::leaseChecks)) >= checks + 12);
    assertNull(child.returnCode());
    await(child.stdin().write(io.vertx.core.buffer.Buffer.buffer("alive\n")));
    assertEquals("alive\n", await(child.stdout().readLine()).toString());
    await(child.stdin().end());
    assertEquals(0, await(child.waitFor()));
    await(client.close());
  }

  /**
   * The lease is renewed while a child is not finished, not only while it runs: here the shell exits at once
   * and its grandchild {@code cat} keeps the pipes (stdin through fd 3: a background job of {@code sh} gets
   * {@code /dev/null} otherwise), and still answers after three whole leases.
   */
  @Test
  @Timeout(30)
  void aChildWhoseGrandchildStillHoldsItsPipesKeepsItsLeaseAfterTheExit() throws Exception {
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setLeaseRenewMillis(LEASE / 5));
    ChildProcess shell = await(client.shell("exec 3<&0; cat <&3 & exit 0", QUIET));
    assertEquals(0, await(shell.waitFor()));
    long checks = await(verticle.inspect(ProcessServiceImpl::leaseChecks));
    Await.until(vertx, "twelve lease checks", 20, 20_000,
      () -> await(verticle.inspect(ProcessServiceImpl::leaseChecks)) >= checks + 12);
    await(shell.stdin().write(io.vertx.core.buffer.Buffer.buffer("late\n")));
    assertEquals("late\n", await(shell.stdout().readLine()).toString());
    await(shell.stdin().end());
    await(shell.closed());
    await(client.close());
  }

  /**
   * Closing the client releases its owner: the service terminates its children at once and the close
   * completes once they are reaped; the client then refuses spawns with {@code CLOSED}.
   */
  @Test
  @Timeout(30)
  void closingTheClientTerminatesItsChildrenBeforeTheCloseCompletes() throws Exception {
    ProcessClient client = ProcessClient.create(vertx);
    List<ChildProcess> children = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      children.add(await(client.exec(List.of("sleep", "3600"), QUIET)));
    }
    await(client.close());
    for (ChildProcess c : children) {
      assertTrue(Await.gone(c.pid()), "pid " + c.pid() + " reaped when close completed");
      assertEquals(ErrorCode.TERMINATED, processFailure(c::waitFor).code());
    }
    assertEquals(ErrorCode.CLOSED, processFailure(() -> client.exec(List.of("true"), QUIET)).code());
  }

  /**
   * Undeploying terminates and reaps every child before the undeploy future completes, even one that ignores
   * SIGTERM (it gets SIGKILL after the grace); meanwhile the service refuses spawns with {@code CLOSED}.
   */
  @Test
  @Timeout(30)
  void undeployReapsEveryChildBeforeItCompletes() throws Exception {
    ProcessClient client = ProcessClient.create(vertx);
    ChildProcess stubborn = await(client.shell("trap '' TERM; echo ready; exec sleep 3600", QUIET));
    assertEquals("ready\n", await(stubborn.stdout().readLine()).toString());
    List<ChildProcess> children = new ArrayList<>(List.of(stubborn));
    for (int i = 0; i < 3; i++) {
      children.add(await(client.exec(List.of("sleep", "3600"), QUIET)));
    }
    ProcessInfo info = byPid(client, stubborn.pid());
    Promise<Void> terminated = Promise.promise();
    MessageConsumer<Object> observer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      if (EventType.TERMINATED.wire().equals(m.headers().get(Headers.TYPE))) {
        terminated.tryComplete();
      }
    });
    await(observer.completion());
    var undeployed = vertx.undeploy(deployment);
    await(terminated.future());
    assertEquals(ErrorCode.CLOSED, processFailure(() -> client.exec(List.of("true"), QUIET)).code(),
      "a spawn while the service stops");
    await(undeployed);
    for (ChildProcess c : children) {
      assertTrue(Await.gone(c.pid()), "pid " + c.pid() + " was reaped before undeploy completed");
    }
    assertEquals(ErrorCode.TERMINATED, processFailure(stubborn::waitFor).code());
  }

  private static ProcessInfo byPid(ProcessClient client, int pid) throws Exception {
    return await(client.service().list()).stream().filter(i -> i.getPid() == pid).findFirst().orElseThrow();
  }
}
