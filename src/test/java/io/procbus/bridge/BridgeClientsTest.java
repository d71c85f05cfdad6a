package io.procbus.bridge;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessService;
import io.procbus.api.ProcessState;
import io.procbus.api.SpawnRequest;
import io.procbus.protocol.Addresses;
import io.procbus.testing.Await;
import io.procbus.testing.EdgeFixture;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real bridge clients, run as Node processes: {@code @vertx/eventbus-bridge-client.js} over SockJS and a
 * {@code node:net} client over TCP. Each spawns {@code cat}, reads its stream in the JSON chunk form, writes
 * stdin (shell metacharacters arrive verbatim), signals it and sees its exit; without a token, or for another
 * principal's child, the same calls are refused.
 */
class BridgeClientsTest {

  private static final String HAPPY_STDOUT = "stdout hello bridge; $(id) `x` | && >";
  private static EdgeFixture edge;
  private static ProcessService bus;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(Addresses.DEFAULT_PREFIX, new io.vertx.core.json.JsonObject(), true);
    bus = ProcessService.createProxy(edge.vertx, new Addresses(Addresses.DEFAULT_PREFIX).service());
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static final List<String> HAPPY = List.of("spawned owner=alice argv0=/usr/bin/cat", HAPPY_STDOUT,
    "list-mine 1", "exit signal=TERM", "closed", "done");

  @Test
  @Timeout(60)
  void sockJsClientSpawnsReadsWritesSignalsAndSeesTheExit() throws Exception {
    assertEquals(HAPPY, EdgeFixture.node("sockjs-client.js", edge.sockJsUrl(), "happy", EdgeFixture.ALICE));
    auditHas("\"event\":\"signal\"", "\"principal\":\"alice\"");
  }

  @Test
  @Timeout(60)
  void tcpClientSpawnsReadsWritesSignalsAndSeesTheExit() throws Exception {
    assertEquals(HAPPY, EdgeFixture.node("tcp-client.js", String.valueOf(edge.bridge.tcpPort()), "happy",
      EdgeFixture.ALICE));
    auditHas("\"event\":\"exit\"", "\"principal\":\"alice\"");
  }

  @Test
  @Timeout(60)
  void sockJsWithoutTokenIsRefused() throws Exception {
    List<String> out = EdgeFixture.node("sockjs-client.js", edge.sockJsUrl(), "noauth");
    assertEquals(List.of("refused 401", "done"), out);
  }

  @Test
  @Timeout(60)
  void tcpWithoutTokenIsRefused() throws Exception {
    List<String> out = EdgeFixture.node("tcp-client.js", String.valueOf(edge.bridge.tcpPort()), "noauth");
    assertEquals(List.of("refused 401", "done"), out);
  }

  private static final int BOUND = BridgeVerticle.MAX_FRAME_BYTES;
  private static final List<String> BIG = List.of("cat returned 2097152 of 2097152 bytes, digest equal, exit code 0",
    "frame of " + BOUND + " bytes accepted, list answered: true",
    "frame of " + (BOUND + 1) + " bytes refused 431 PAYLOAD_TOO_LARGE: a message of " + (BOUND + 1)
      + " bytes is above " + BOUND + ": closing", "connection closed", "done");

  /**
   * Issue 10, point 3: the official client sends each message as one WebSocket frame, and the HTTP server kept
   * Vert.x's 64 KiB frame limit, so stdin in 64 KiB or 1 MiB messages closed the connection (1006) although
   * the documented bound is 4 MiB.
   */
  @Test
  @Timeout(120)
  void sockJsClientWritesStdinIn64KiBAnd1MiBMessagesAndAFrameAboveTheBoundGetsTheErrorFrame() throws Exception {
    assertEquals(BIG, EdgeFixture.node("sockjs-client.js", edge.sockJsUrl(), "big", EdgeFixture.ALICE,
      String.valueOf(BOUND)));
    noChildOfAliceRuns();
  }

  @Test
  @Timeout(120)
  void tcpClientWritesStdinIn64KiBAnd1MiBMessagesAndAFrameAboveTheBoundGetsTheErrorFrame() throws Exception {
    List<String> expected = BIG.stream().map(l -> l.replace("a message of", "a frame of")
      .replace(" bytes is above", " bytes (or the stream is not framed) is above")).toList();
    assertEquals(expected, EdgeFixture.node("tcp-client.js", String.valueOf(edge.bridge.tcpPort()), "big",
      EdgeFixture.ALICE, String.valueOf(BOUND)));
    noChildOfAliceRuns();
  }

  private static void noChildOfAliceRuns() throws Exception {
    assertEquals(List.of(), await(bus.list()).stream()
      .filter(p -> "alice".equals(p.getOwner()) && p.getState() == ProcessState.RUNNING).map(ProcessInfo::getId)
      .toList());
  }

  private static final List<String> OTHER = List.of("signal refused 403", "info refused 403",
    "closeProcess refused 403", "writeStdin refused 403", "list-other 0", "register refused 403", "done");

  @Test
  @Timeout(60)
  void sockJsClientCannotTouchAnotherPrincipalsChild() throws Exception {
    ProcessInfo alices = aliceSleeps();
    assertEquals(OTHER, EdgeFixture.node("sockjs-client.js", edge.sockJsUrl(), "other", EdgeFixture.BOB,
      alices.getId(), alices.getServiceAddress()));
    stillRunningThenKill(alices);
  }

  @Test
  @Timeout(60)
  void tcpClientCannotTouchAnotherPrincipalsChild() throws Exception {
    ProcessInfo alices = aliceSleeps();
    assertEquals(OTHER, EdgeFixture.node("tcp-client.js", String.valueOf(edge.bridge.tcpPort()), "other",
      EdgeFixture.BOB, alices.getId(), alices.getServiceAddress()));
    stillRunningThenKill(alices);
  }

  /** A child of alice, spawned on the bus (a bus caller naming alice gets alice's rule). */
  private static ProcessInfo aliceSleeps() throws Exception {
    return await(bus.spawn(new SpawnRequest().setCommand(List.of("sleep", "60")).setOwner("alice")));
  }

  private static void stillRunningThenKill(ProcessInfo p) throws Exception {
    ProcessService instance = ProcessService.createProxy(edge.vertx, p.getServiceAddress());
    assertEquals(ProcessState.RUNNING, await(instance.info(p.getId())).getState());
    await(instance.closeProcess(p.getId(), "alice"));
  }

  private static void auditHas(String... parts) throws Exception {
    Await.until(edge.vertx, "audit line with " + List.of(parts), 20, 10_000, () -> Files.exists(edge.audit)
      && Files.readAllLines(edge.audit).stream().anyMatch(l -> List.of(parts).stream().allMatch(l::contains)));
  }
}
