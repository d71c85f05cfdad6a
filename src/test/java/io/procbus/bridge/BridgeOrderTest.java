package io.procbus.bridge;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessService;
import io.procbus.api.ProcessState;
import io.procbus.api.SpawnRequest;
import io.procbus.protocol.Addresses;
import io.procbus.testing.Await;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order of a bridge connection, as docs/protocol.md states it (issue 10): {@code register} is not
 * acknowledged and the frames of a connection are handled in order, and a process publishes nothing until its
 * owner's first grant.
 */
class BridgeOrderTest {

  private static EdgeFixture edge;
  private static ProcessService bus;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(Addresses.DEFAULT_PREFIX, new JsonObject(), true);
    bus = ProcessService.createProxy(edge.vertx, new Addresses(Addresses.DEFAULT_PREFIX).service());
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  /**
   * Issue 10: a {@code register} whose owner the bridge had to ask the service for used to complete after the
   * frames behind it, so a grant sent right after it published the events before the registration was in
   * place, and they were lost. Now the frames behind a register wait for it.
   */
  @Test
  @Timeout(60)
  void registerIsNotAcknowledgedAndTheFramesAfterItAreHandledAfterIt() throws Exception {
    // spawned on the bus: the bridge has not seen it, so its register asks the service who owns it
    ProcessInfo p = exited(await(bus.spawn(new SpawnRequest().setCommand(List.of("echo", "hi")).setOwner("alice"))));
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      t.raw(Buffer.buffer().appendBytes(framed(register(p))).appendBytes(framed(ping()))
        .appendBytes(framed(grant(p))).getBytes());
      assertEquals(new JsonObject().put("type", "pong"), t.read(), "register gets no answer; ping is answered");
      assertAllEvents(eventsFromSeq0(t, p));
    }
  }

  @Test
  @Timeout(60)
  void nothingIsPublishedBeforeTheFirstGrant() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonObject spawned = t.command(new Addresses(Addresses.DEFAULT_PREFIX).service(),
        "spawn", new JsonObject().put("request", new JsonObject().put("command", List.of("echo", "hi"))));
      ProcessInfo p = new ProcessInfo(spawned.getJsonObject("body"));
      t.frame(register(p));
      t.frame(ping());
      assertEquals("pong", t.read().getString("type"));
      exited(p);
      // the child wrote, closed its streams and exited: still nothing is published to the registered connection
      t.frame(ping());
      assertEquals("pong", t.read().getString("type"), "no event before the first grant");
      t.frame(grant(p));
      assertAllEvents(eventsFromSeq0(t, p));
    }
  }

  /** Every event of an {@code echo hi}, {@code closed} last (stdin's close is not ordered with stdout's). */
  private static void assertAllEvents(List<String> events) {
    assertEquals(List.of("closed", "eof", "eof", "exit", "stdin-closed", "stdout hi\n"),
      events.stream().sorted().toList(), String.valueOf(events));
    assertEquals("closed", events.get(events.size() - 1));
  }

  /** Waits (polling the service) until {@code p} has exited. */
  private static ProcessInfo exited(ProcessInfo p) throws Exception {
    ProcessService instance = ProcessService.createProxy(edge.vertx, p.getServiceAddress());
    Await.until(edge.vertx, p.getId() + " to exit", 20, 20_000,
      () -> await(instance.info(p.getId())).getState() != ProcessState.RUNNING);
    return p;
  }

  /** The events of {@code p} up to {@code closed}, checked to start at seq 0 without gaps; stdout decoded. */
  private static List<String> eventsFromSeq0(TcpBridgeClient t, ProcessInfo p) throws Exception {
    List<String> events = new ArrayList<>();
    for (long seq = 0; events.isEmpty() || !events.get(events.size() - 1).equals("closed"); seq++) {
      JsonObject f = t.read();
      assertEquals(p.getEventAddress(), f.getString("address"), String.valueOf(f));
      assertEquals(String.valueOf(seq), f.getJsonObject("headers").getString("seq"), String.valueOf(f));
      String type = f.getJsonObject("headers").getString("type");
      events.add("stdout".equals(type) ? "stdout " + new String(Base64.getUrlDecoder()
        .decode(f.getJsonObject("body").getString("data")), StandardCharsets.UTF_8) : type);
    }
    return events;
  }

  private static JsonObject register(ProcessInfo p) {
    return new JsonObject().put("type", "register").put("address", p.getEventAddress());
  }

  private static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  private static JsonObject grant(ProcessInfo p) {
    return new JsonObject().put("type", "send").put("address", p.getControlAddress())
      .put("body", new JsonObject().put("id", p.getId()).put("stdout", 65536).put("stderr", 65536));
  }

  private static byte[] framed(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(json.length).appendBytes(json).getBytes();
  }
}
