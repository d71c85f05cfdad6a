package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.processFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessOptions;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.testing.Await;
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

/** Run to completion ({@code subprocess.run}): input, capture with a cap, return code, cut flags, timeout. */
class RunTest {

  private static final int SERVICE_CAP = 1 << 20;

  private static Vertx vertx;
  private static ProcessClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("limits", new JsonObject().put("maxRunOutputBytes", SERVICE_CAP)))));
    client = ProcessClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  @Test
  @Timeout(20)
  void runFeedsInputAndCapturesBothStreamsAndTheReturnCode() throws Exception {
    RunResult r = await(client.run(new RunRequest()
      .setSpawn(new SpawnRequest().setShell("tr a-z A-Z; echo err >&2; exit 3"))
      .setInput(Buffer.buffer("hello\n"))));
    assertEquals("HELLO\n", r.getStdout().toString());
    assertEquals("err\n", r.getStderr().toString());
    assertEquals(3, r.getReturnCode());
    assertEquals(3, r.getExitStatus().code());
    assertTrue(r.isInputDelivered());
    assertFalse(r.isStdoutTruncated());
    assertEquals(6, r.getStdoutBytes());
    assertTrue(r.getPid() > 0);
  }

  /**
   * Output beyond the cap (the smaller of the request's and the service's) is read and counted, never kept:
   * the child is never blocked, and the result says it was cut.
   */
  @Test
  @Timeout(30)
  void outputBeyondTheCapIsCountedAndDroppedAndTheChildNeverBlocks() throws Exception {
    int total = 8 << 20;
    RunResult r = await(client.run(new RunRequest()
      .setSpawn(new SpawnRequest().setCommand(List.of("head", "-c", Integer.toString(total), "/dev/zero")))
      .setMaxOutputBytes(4 << 20)));
    assertEquals(0, r.getReturnCode());
    assertEquals(SERVICE_CAP, r.getStdout().length(), "the service's cap wins over the request's");
    assertEquals(total, r.getStdoutBytes());
    assertTrue(r.isStdoutTruncated());
    assertFalse(r.isStderrTruncated());
    RunResult small = await(client.run(new RunRequest()
      .setSpawn(new SpawnRequest().setCommand(List.of("head", "-c", "1000", "/dev/zero"))).setMaxOutputBytes(10)));
    assertEquals(10, small.getStdout().length());
    assertEquals(1000, small.getStdoutBytes());
    assertTrue(small.isStdoutTruncated());
  }

  /** asyncio's communicate: a child that closes stdin early does not fail the run; the input was not delivered. */
  @Test
  @Timeout(20)
  void inputTheChildDoesNotTakeIsReportedNotFailed() throws Exception {
    RunResult r = await(client.run(new RunRequest()
      .setSpawn(new SpawnRequest().setShell("exec 0<&-; echo closed"))
      .setInput(Buffer.buffer(new byte[512 * 1024]))));
    assertEquals("closed\n", r.getStdout().toString());
    assertFalse(r.isInputDelivered());
    assertEquals(0, r.getReturnCode());
  }

  @Test
  @Timeout(20)
  void streamsThatAreNotPipesAreNull() throws Exception {
    RunResult r = await(client.run(new RunRequest().setSpawn(new SpawnRequest().setCommand(List.of("true"))
      .setOptions(new ProcessOptions().setStdout(Stdio.devNull()).setStderr(Stdio.devNull())))));
    assertNull(r.getStdout());
    assertNull(r.getStderr());
    assertEquals(0, r.getReturnCode());
  }

  /** The run-time limit sends the kill signal and fails the run with TIMEOUT; the child is reaped. */
  @Test
  @Timeout(20)
  void aRunPastItsTimeoutIsKilledAndFailsWithTimeout() throws Exception {
    long before = await(client.service().list()).size();
    assertEquals(ErrorCode.TIMEOUT, processFailure(() -> client.run(new RunRequest()
      .setSpawn(new SpawnRequest().setCommand(List.of("sleep", "3600")).setTimeoutMillis(100)))).code());
    Await.until(vertx, "the timed-out child to be reaped", 10, 10_000, () -> await(client.service().list()).stream()
      .filter(i -> i.getArgv().equals(List.of("sleep", "3600"))).allMatch(i -> i.getExitStatus() != null));
    assertTrue(await(client.service().list()).size() >= before);
  }
}
