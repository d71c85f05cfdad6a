package io.procbus.bridge;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.protocol.Addresses;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridges and protocol version 2's owner event address: a bridge client may not name one, and a bridge client
 * that registers to a process whose owner takes its events on its own address gets them all the same.
 */
class BridgeClientEventsTest {

  private static final Addresses ADDRESSES = new Addresses(Addresses.DEFAULT_PREFIX);
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(Addresses.DEFAULT_PREFIX, new JsonObject(), true);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  @Timeout(60)
  void aBridgeClientNamingAnEventAddressIsDenied() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonObject request = new JsonObject().put("command", new JsonArray().add("cat"))
        .put("eventAddress", ADDRESSES.client("mine"));
      JsonObject reply = t.command(ADDRESSES.service(), "spawn", new JsonObject().put("request", request));
      assertEquals("err", reply.getString("type"), reply.encode());
      assertEquals(ErrorCode.DENIED.code(), reply.getInteger("failureCode"), reply.encode());
      assertTrue(reply.getString("message").contains("eventAddress"), reply.encode());
    }
  }

  @Test
  @Timeout(60)
  void aRegisteredBridgeClientGetsTheEventsOfAChildWhoseOwnerTakesThemOnItsOwnAddress() throws Exception {
    ProcessClient owner = ProcessClient.create(edge.vertx, new ProcessClientOptions().setOwner("alice")
      .setClientEvents(true));
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      ChildProcess cat = await(owner.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe())
        .setStdout(Stdio.pipe()).setStderr(Stdio.devNull())));
      ProcessInfo info = await(owner.service().list()).stream().filter(i -> i.getPid() == cat.pid()).findFirst()
        .orElseThrow();
      t.frame(new JsonObject().put("type", "register").put("address", info.getEventAddress()));
      t.frame(new JsonObject().put("type", "ping")); // handled once the registration is in place
      assertEquals("pong", t.read().getString("type"));
      await(cat.stdin().write(Buffer.buffer("one\n")));
      await(cat.stdin().end());
      assertEquals("one\n", await(cat.stdout().readLine()).toString());
      assertEquals("one\n", stdoutUntilClosed(t));
    } finally {
      await(owner.close());
    }
  }

  /** A bridge forwards one grant per frame: a {@code grants} field is dropped, and the frame's own grant attaches. */
  @Test
  @Timeout(60)
  void aGrantFrameCarryingABatchIsForwardedAsItsOwnGrantOnly() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonObject request = new JsonObject().put("command", new JsonArray().add("echo").add("hi"));
      JsonObject info = t.command(ADDRESSES.service(), "spawn", new JsonObject().put("request", request))
        .getJsonObject("body");
      t.frame(new JsonObject().put("type", "register").put("address", info.getString("eventAddress")));
      t.frame(new JsonObject().put("type", "send").put("address", info.getString("controlAddress"))
        .put("body", new JsonObject().put("id", info.getString("id")).put("stdout", 1024).put("stderr", 1024)
          .put("grants", new JsonArray().add(new JsonObject().put("id", "not-a-process").put("stdout", 1)))));
      assertEquals("hi\n", stdoutUntilClosed(t));
    }
  }

  /** The stdout of the events frames bring, up to {@code closed}. */
  private static String stdoutUntilClosed(TcpBridgeClient t) throws Exception {
    StringBuilder stdout = new StringBuilder();
    JsonObject frame;
    do {
      frame = t.read();
      if ("stdout".equals(frame.getJsonObject("headers").getString("type"))) {
        stdout.append(new String(Base64.getUrlDecoder().decode(frame.getJsonObject("body").getString("data"))));
      }
    } while (!"closed".equals(frame.getJsonObject("headers").getString("type")));
    return stdout.toString();
  }
}
