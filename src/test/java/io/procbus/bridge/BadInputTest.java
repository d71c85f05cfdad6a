package io.procbus.bridge;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessService;
import io.procbus.engine.linux.Watchdog;
import io.procbus.testing.Await;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input through both bridges and the bus: each case gets a clear error or a closed connection, no child
 * the policy does not allow is started, and afterwards the service answers, no child of ours is left and no
 * descriptor leaked. The cases are counted; {@link #theServiceIsStillUpAndNothingLeaked} checks the count and
 * prints the tally.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {

  private static final String P = "bad";
  private static final String SERVICE = P + ".service";
  private static EdgeFixture edge;
  private static int fdsBefore;
  private static final Map<String, String> outcomes = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(P, new JsonObject(), true);
    fdsBefore = fds();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static void outcome(String name, String what) {
    synchronized (outcomes) {
      outcomes.put(name, what);
    }
  }

  private static int code(JsonObject errFrame) {
    assertEquals("err", errFrame.getString("type"), "an error frame: " + errFrame);
    return errFrame.getInteger("failureCode");
  }

  private static JsonObject spawnBody(JsonObject request) {
    return new JsonObject().put("request", request);
  }

  private static JsonObject cmd(String... argv) {
    return new JsonObject().put("command", new JsonArray(List.of((Object[]) argv)));
  }

  // --- TCP

  @Test
  @Timeout(60)
  void malformedFramesGetMalformedAndTheConnectionStays() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      t.frame("{not json");
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp malformed JSON", "432 MALFORMED");
      t.frame("[1,2,3]");
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp frame is an array", "432 MALFORMED");
      t.frame(new JsonObject().put("type", "subscribe").put("address", SERVICE));
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp unknown frame type", "432 MALFORMED");
      t.frame(new JsonObject().put("type", "send").put("address", 42));
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp address of the wrong type", "432 MALFORMED");
      t.frame(new JsonObject().put("type", "send").put("address", SERVICE).put("headers",
        new JsonObject().put("action", 7)));
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp header of the wrong type", "432 MALFORMED");
      assertEquals(ErrorCode.MALFORMED.code(), code(t.command(SERVICE, "spawn",
        spawnBody(new JsonObject().put("command", "cat")))));
      outcome("tcp spawn with command of the wrong type", "432 MALFORMED");
      assertEquals(ErrorCode.MALFORMED.code(), code(t.command(SERVICE, "spawn",
        spawnBody(cmd("cat").put("sudo", true)))));
      outcome("tcp spawn with an unknown field", "432 MALFORMED");
      String reply = "rb";
      t.frame(new JsonObject().put("type", "send").put("address", SERVICE).put("replyAddress", reply)
        .put("headers", new JsonObject().put("action", "list")).put("body", "[]"));
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp command body not an object", "432 MALFORMED");
      assertEquals(ErrorCode.MALFORMED.code(), code(t.command(SERVICE, "shutdown", new JsonObject())));
      outcome("tcp unknown action", "432 MALFORMED");
      t.frame(new JsonObject().put("type", "send").put("address", SERVICE)
        .put("headers", new JsonObject().put("action", "list")).put("body", new JsonObject()));
      assertEquals(ErrorCode.MALFORMED.code(), code(t.read()));
      outcome("tcp command without replyAddress", "432 MALFORMED");
      t.frame(new JsonObject().put("type", "ping"));
      assertEquals("pong", t.read().getString("type"), "the connection is still usable");
    }
  }

  @Test
  @Timeout(60)
  void unknownAddressesAndIdsAreRefused() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      t.frame(new JsonObject().put("type", "send").put("address", "vertx.internal").put("replyAddress", "x")
        .put("body", new JsonObject()));
      assertEquals(ErrorCode.DENIED.code(), code(t.read()));
      outcome("tcp send to an unknown address", "450 DENIED");
      t.frame(new JsonObject().put("type", "register").put("address", SERVICE));
      assertEquals(ErrorCode.DENIED.code(), code(t.read()));
      outcome("tcp register a non-event address", "450 DENIED");
      t.frame(new JsonObject().put("type", "publish").put("address", SERVICE).put("body", new JsonObject()));
      assertEquals(ErrorCode.DENIED.code(), code(t.read()));
      outcome("tcp publish", "450 DENIED");
      String unknown = UUID.randomUUID().toString();
      assertEquals(ErrorCode.UNKNOWN_PROCESS.code(), code(t.command(SERVICE, "signal",
        new JsonObject().put("id", unknown).put("signal", "KILL").put("group", false))));
      outcome("tcp signal an unknown id", "420 UNKNOWN_PROCESS");
      t.frame(new JsonObject().put("type", "register").put("address", P + ".process." + unknown));
      assertEquals(ErrorCode.UNKNOWN_PROCESS.code(), code(t.read()));
      outcome("tcp register an unknown id", "420 UNKNOWN_PROCESS");
      t.frame(new JsonObject().put("type", "register").put("address", P + ".process.../../x"));
      assertEquals(ErrorCode.DENIED.code(), code(t.read()));
      outcome("tcp register a malformed id", "450 DENIED");
      JsonObject info = t.command(SERVICE, "spawn", spawnBody(cmd("sleep", "30"))).getJsonObject("body");
      try (TcpBridgeClient bob = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.BOB)) {
        assertEquals(ErrorCode.NOT_OWNER.code(), code(bob.command(info.getString("serviceAddress"), "signal",
          new JsonObject().put("id", info.getString("id")).put("signal", "KILL").put("group", false))));
        outcome("tcp signal another principal's id", "403 NOT_OWNER");
        assertEquals(ErrorCode.NOT_OWNER.code(), code(bob.command(info.getString("serviceAddress"), "replay",
          new JsonObject().put("id", info.getString("id")).put("fromSeq", 0))));
        outcome("tcp replay another principal's id", "403 NOT_OWNER");
        JsonObject mine = t.command(info.getString("serviceAddress"), "replay",
          new JsonObject().put("id", info.getString("id")).put("fromSeq", 0));
        assertEquals(0L, mine.getJsonObject("body").getLong("nextSeq"), "nothing published before the attach: " + mine);
        JsonObject claimed = bob.command(info.getString("serviceAddress"), "closeProcess",
          new JsonObject().put("id", info.getString("id")).put("owner", "alice"));
        assertEquals(ErrorCode.NOT_OWNER.code(), code(claimed));
        outcome("tcp command naming another owner", "403 NOT_OWNER");
      }
      assertEquals("send", t.command(info.getString("serviceAddress"), "closeProcess",
        new JsonObject().put("id", info.getString("id"))).getString("type", "send").replace("message", "send"));
    }
  }

  /** Issue 15: {@code resize} and {@code terminal} are checked like every other command and option. */
  @Test
  @Timeout(60)
  void resizeAndTerminalRequestsAreChecked() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonObject denied = t.command(SERVICE, "spawn", spawnBody(cmd("cat").put("options",
        new JsonObject().put("terminal", new JsonObject().put("cols", 80).put("rows", 24)))));
      assertEquals(ErrorCode.DENIED.code(), code(denied));
      assertTrue(denied.getString("message").contains("denied by terminal"), denied.encode());
      outcome("tcp spawn with a terminal the policy does not allow", "450 DENIED");
      String unknown = UUID.randomUUID().toString();
      assertEquals(ErrorCode.UNKNOWN_PROCESS.code(), code(t.command(SERVICE, "resize",
        new JsonObject().put("id", unknown).put("cols", 80).put("rows", 24))));
      outcome("tcp resize an unknown id", "420 UNKNOWN_PROCESS");
      JsonObject info = t.command(SERVICE, "spawn", spawnBody(cmd("sleep", "30"))).getJsonObject("body");
      String at = info.getString("serviceAddress");
      String id = info.getString("id");
      assertEquals(ErrorCode.INVALID_ARGUMENT.code(), code(t.command(at, "resize",
        new JsonObject().put("id", id).put("cols", 80).put("rows", 24))));
      outcome("tcp resize a process without a terminal", "400 INVALID_ARGUMENT");
      assertEquals(ErrorCode.INVALID_ARGUMENT.code(), code(t.command(at, "resize",
        new JsonObject().put("id", id).put("cols", 0).put("rows", 70000))));
      outcome("tcp resize out of range", "400 INVALID_ARGUMENT");
      assertEquals(ErrorCode.MALFORMED.code(), code(t.command(at, "resize",
        new JsonObject().put("id", id).put("cols", 80))));
      outcome("tcp resize without rows", "400 MALFORMED");
      try (TcpBridgeClient bob = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.BOB)) {
        assertEquals(ErrorCode.NOT_OWNER.code(), code(bob.command(at, "resize",
          new JsonObject().put("id", id).put("cols", 80).put("rows", 24))));
        outcome("tcp resize another principal's id", "403 NOT_OWNER");
      }
      t.command(at, "closeProcess", new JsonObject().put("id", id));
    }
  }

  @Test
  @Timeout(60)
  void credentialsAreCheckedAndBadOnesCloseTheConnection() throws Exception {
    closesWith("tcp command without a token", null, framed(new JsonObject().put("type", "send")
      .put("address", SERVICE).put("replyAddress", "r").put("headers", new JsonObject().put("action", "list"))
      .put("body", new JsonObject())), ErrorCode.UNAUTHENTICATED);
    closesWith("tcp wrong token", null, framed(new JsonObject().put("type", "ping").put("headers",
      new JsonObject().put("authorization", "Bearer " + EdgeFixture.ALICE + "x"))), ErrorCode.UNAUTHENTICATED);
    closesWith("tcp second principal on one connection", EdgeFixture.ALICE, framed(new JsonObject()
      .put("type", "ping").put("headers", new JsonObject().put("authorization", "Bearer " + EdgeFixture.BOB))),
      ErrorCode.UNAUTHENTICATED);
  }

  /** Issue 10: a token without its {@code Bearer } prefix gets an error that says so (still 401). */
  @Test
  @Timeout(60)
  void aTokenWithoutTheBearerPrefixIsRefusedWithAMessageSayingSo() throws Exception {
    try (TcpBridgeClient t = new TcpBridgeClient(edge.bridge.tcpPort())) {
      t.frame(new JsonObject().put("type", "ping").put("headers", new JsonObject()
        .put("authorization", EdgeFixture.ALICE)));
      JsonObject err = t.read();
      assertEquals(ErrorCode.UNAUTHENTICATED.code(), code(err));
      assertEquals("UNAUTHENTICATED: the authorization header is \"Bearer <token>\": the \"Bearer \" prefix is"
        + " missing", err.getString("message"));
      assertTrue(t.closedByServer());
      outcome("tcp token without \"Bearer \"", "401 UNAUTHENTICATED saying the prefix is missing, closed");
    }
  }

  /** Writes {@code bytes} on a new connection (authenticated with {@code token} unless null): error, then closed. */
  private static void closesWith(String name, String token, byte[] bytes, ErrorCode expected) throws IOException {
    try (TcpBridgeClient t = token == null ? new TcpBridgeClient(edge.bridge.tcpPort())
      : TcpBridgeClient.authenticated(edge.bridge.tcpPort(), token)) {
      t.raw(bytes);
      assertEquals(expected.code(), code(t.read()));
      assertTrue(t.closedByServer());
      outcome(name, expected.code() + " " + expected + ", closed");
    }
  }

  private static byte[] framed(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(json.length).appendBytes(json).getBytes();
  }

  @Test
  @Timeout(60)
  void oversizedAndBrokenFramingClosesTheConnection() throws Exception {
    closesWith("tcp frame length 2 GiB", EdgeFixture.ALICE, new byte[] {0x7f, (byte) 0xff, (byte) 0xff,
      (byte) 0xff, '{'}, ErrorCode.PAYLOAD_TOO_LARGE);
    closesWith("tcp negative frame length", EdgeFixture.ALICE, new byte[] {(byte) 0xff, 0, 0, 1},
      ErrorCode.PAYLOAD_TOO_LARGE);
    closesWith("tcp frame of 4 MiB + 1 byte announced", EdgeFixture.ALICE, Buffer.buffer()
      .appendInt(BridgeVerticle.MAX_FRAME_BYTES + 1).appendString("\"xxxx").getBytes(), ErrorCode.PAYLOAD_TOO_LARGE);
  }

  @Test
  @Timeout(60)
  void hugeArgvAndEnvControlCharactersAndMetacharacters() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonArray argv = new JsonArray().add("echo");
      for (int i = 0; i < 250_000; i++) {
        argv.add("argument");
      }
      JsonObject huge = t.command(SERVICE, "spawn", spawnBody(new JsonObject().put("command", argv)));
      assertEquals(ErrorCode.DENIED.code(), code(huge), huge.getString("message"));
      assertTrue(huge.getString("message").contains("size"), huge.getString("message"));
      outcome("tcp huge argv (250,000 arguments, 2.5 MB)", "450 DENIED (size)");
      JsonObject env = new JsonObject();
      for (int i = 0; i < 20_000; i++) {
        env.put("V" + i, "value");
      }
      JsonObject hugeEnv = t.command(SERVICE, "spawn", spawnBody(cmd("cat")
        .put("options", new JsonObject().put("env", env))));
      assertEquals(ErrorCode.DENIED.code(), code(hugeEnv));
      assertTrue(hugeEnv.getString("message").contains("denied by env"), hugeEnv.getString("message"));
      outcome("tcp huge env (20,000 variables)", "450 DENIED (env)");
      List<String> tricky = List.of("a\u0001b\tc\u001b[31m\u007f", "$(id)", "; rm -rf /", "`reboot`", "|", "&&",
        ">", "*", "'\"", "\\n");
      JsonObject ran = t.command(SERVICE, "run", new JsonObject().put("request", new JsonObject()
        .put("spawn", new JsonObject().put("command", new JsonArray().add("echo").addAll(new JsonArray(tricky))))));
      String out = new String(Base64.getUrlDecoder().decode(ran.getJsonObject("body").getString("stdout")),
        StandardCharsets.UTF_8);
      assertEquals(String.join(" ", tricky) + "\n", out);
      outcome("tcp control characters and shell metacharacters in argv", "reach the child verbatim");
      assertEquals(ErrorCode.DENIED.code(), code(t.command(SERVICE, "spawn", spawnBody(cmd("pwd")
        .put("options", new JsonObject().put("cwd", edge.root + "/../../../etc"))))));
      Path link = edge.root.resolve("escape");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("/"));
      assertEquals(ErrorCode.DENIED.code(), code(t.command(SERVICE, "spawn", spawnBody(cmd("pwd")
        .put("options", new JsonObject().put("cwd", link + "/etc"))))));
      assertEquals(ErrorCode.DENIED.code(), code(t.command(SERVICE, "spawn", spawnBody(cmd("pwd")
        .put("options", new JsonObject().put("cwd", edge.root + "/\u0000/..."))))));
      outcome("tcp cwd path tricks (.., symlink out, NUL)", "450 DENIED (cwd) x3");
      assertEquals(ErrorCode.DENIED.code(), code(t.command(SERVICE, "spawn", spawnBody(new JsonObject()
        .put("shell", "cat /etc/shadow")))));
      outcome("tcp shell command line", "450 DENIED (shell)");
    }
  }

  @Test
  @Timeout(60)
  void aFloodOfSpawnsStopsAtTheLimit() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.BOB)) {
      List<JsonObject> spawns = pipelined(t, 40, "spawn", spawnBody(cmd("sleep", "30")));
      List<JsonObject> started = new ArrayList<>();
      for (JsonObject f : spawns) {
        if ("err".equals(f.getString("type"))) {
          assertEquals(ErrorCode.DENIED.code(), f.getInteger("failureCode"), f.encode());
        } else {
          started.add(f.getJsonObject("body"));
        }
      }
      try {
        assertEquals(4, started.size(), "maxLiveChildren");
        outcome("tcp flood of 40 spawns, limit 4", "4 started, 36 x 450 DENIED (children)");
        long limited = 0;
        for (JsonObject f : pipelined(t, 100, "list", new JsonObject())) {
          if ("err".equals(f.getString("type"))) {
            assertEquals(ErrorCode.LIMIT_REACHED.code(), f.getInteger("failureCode"));
            limited++;
          }
        }
        assertTrue(limited <= 100 - CommandForwarder.MAX_IN_FLIGHT, "refused only beyond " + CommandForwarder.MAX_IN_FLIGHT
          + " in flight: " + limited);
        outcome("tcp 100 pipelined requests", (100 - limited) + " answered, " + limited + " x 430 LIMIT_REACHED");
      } finally {
        for (JsonObject info : started) {
          t.command(info.getString("serviceAddress"), "closeProcess", new JsonObject().put("id", info.getString("id")));
        }
      }
    }
  }

  /** Sends {@code n} commands without waiting, then reads their {@code n} answers. */
  private static List<JsonObject> pipelined(TcpBridgeClient t, int n, String action, JsonObject body)
    throws IOException {
    for (int i = 0; i < n; i++) {
      t.frame(new JsonObject().put("type", "send").put("address", SERVICE).put("replyAddress", action + i)
        .put("headers", new JsonObject().put("action", action)).put("body", body));
    }
    List<JsonObject> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(t.read());
    }
    return answers;
  }

  @Test
  @Timeout(60)
  void aClientThatNeverReadsIsDisconnected() throws Exception {
    JsonObject info;
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      info = t.command(SERVICE, "spawn", spawnBody(cmd("cat", "/dev/zero"))).getJsonObject("body");
      t.frame(new JsonObject().put("type", "register").put("address", info.getString("eventAddress")));
      t.frame(new JsonObject().put("type", "send").put("address", info.getString("controlAddress"))
        .put("body", new JsonObject().put("id", info.getString("id")).put("stdout", 1L << 40)));
      // never read: the server queues at most MAX_WRITE_QUEUE_BYTES for us, then closes the connection
      boolean closed = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!closed && System.nanoTime() < deadline) {
        try {
          t.frame(new JsonObject().put("type", "ping"));
          Promise.pause(edge);
        } catch (IOException e) {
          closed = true;
        }
      }
      assertTrue(closed, "the server closed the connection of a client that does not read");
      outcome("tcp client that never reads (1 TiB of credit, cat /dev/zero)", "closed at the write-queue bound");
    }
    ProcessService instance = ProcessService.createProxy(edge.vertx, info.getString("serviceAddress"));
    await(instance.closeProcess(info.getString("id"), "alice"));
  }

  /** Waits one Vert.x timer tick (a poll interval, not a duration the test depends on). */
  private static final class Promise {
    static void pause(EdgeFixture edge) throws Exception {
      io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
      edge.vertx.setTimer(20, id -> p.complete());
      await(p.future());
    }
  }

  // --- SockJS (raw websocket transport)

  private static final class Ws implements WebSocket.Listener, AutoCloseable {
    final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final StringBuilder text = new StringBuilder();
    WebSocket ws;
    volatile boolean reading = true;

    private void more(WebSocket w) {
      if (reading) {
        w.request(1);
      }
    }

    static Ws open() throws Exception {
      Ws l = new Ws();
      l.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
        + edge.bridge.sockJsPort() + "/eventbus/websocket"), l).get(20, TimeUnit.SECONDS);
      return l;
    }

    /** The kind of each message received, {@code text} or {@code binary}. */
    final List<String> kinds = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      if (last) {
        kinds.add("text");
      }
      return piece(w, data, last);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
      // Vert.x sends SockJS frames as binary WebSocket messages
      if (last) {
        kinds.add("binary");
      }
      return piece(w, StandardCharsets.UTF_8.decode(data), last);
    }

    private CompletionStage<?> piece(WebSocket w, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add(new JsonObject(text.toString()));
        text.setLength(0);
      }
      more(w);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
      received.add("closed");
      return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
      received.add("closed");
    }

    void send(String s) throws Exception {
      ws.sendText(s, true).get(20, TimeUnit.SECONDS);
    }

    Object next() throws InterruptedException {
      Object o = received.poll(20, TimeUnit.SECONDS);
      assertTrue(o != null, "nothing received in 20 s");
      return o;
    }

    @Override
    public void close() {
      ws.abort();
    }
  }

  @Test
  @Timeout(60)
  void sockJsBadInput() throws Exception {
    String auth = new JsonObject().put("authorization", "Bearer " + EdgeFixture.ALICE).encode();
    try (Ws w = Ws.open()) {
      w.send("{\"type\":\"ping\",\"headers\":" + auth + "}");
      w.send("{nope");
      assertEquals(ErrorCode.MALFORMED.code(), code((JsonObject) w.next()));
      outcome("sockjs malformed JSON", "432 MALFORMED");
      w.send("{\"type\":\"teleport\",\"address\":\"" + SERVICE + "\"}");
      assertEquals(ErrorCode.MALFORMED.code(), code((JsonObject) w.next()));
      outcome("sockjs unknown frame type", "432 MALFORMED");
      w.send("{\"type\":\"send\",\"address\":\"" + SERVICE + "\",\"headers\":{\"action\":[1]}}");
      assertEquals(ErrorCode.MALFORMED.code(), code((JsonObject) w.next()));
      outcome("sockjs header of the wrong type", "432 MALFORMED");
      w.send("{\"type\":\"send\",\"address\":\"" + P + ".instance.x.control.evil\",\"body\":{}}");
      assertEquals(ErrorCode.DENIED.code(), code((JsonObject) w.next()));
      outcome("sockjs unknown address", "450 DENIED");
      CompletableFuture<WebSocket> big = w.ws.sendText("\"" + "y".repeat(BridgeVerticle.MAX_FRAME_BYTES + 10) + "\"",
        true);
      assertEquals(ErrorCode.PAYLOAD_TOO_LARGE.code(), code((JsonObject) w.next()));
      assertEquals("closed", w.next());
      big.handle((ok, err) -> null);
      outcome("sockjs message above 4 MiB", "431 PAYLOAD_TOO_LARGE, closed");
    }
    try (Ws w = Ws.open()) {
      w.send("{\"type\":\"send\",\"address\":\"" + SERVICE + "\",\"replyAddress\":\"r\",\"headers\":"
        + "{\"action\":\"list\"},\"body\":{}}");
      assertEquals(ErrorCode.UNAUTHENTICATED.code(), code((JsonObject) w.next()));
      assertEquals("closed", w.next());
      outcome("sockjs command without a token", "401 UNAUTHENTICATED, closed");
    }
  }

  /** docs/protocol.md: the raw SockJS WebSocket ({@code /eventbus/websocket}) sends binary frames, never text. */
  @Test
  @Timeout(60)
  void theRawSockJsWebSocketSendsBinaryFrames() throws Exception {
    String auth = new JsonObject().put("authorization", "Bearer " + EdgeFixture.ALICE).encode();
    try (Ws w = Ws.open()) {
      w.send("{\"type\":\"send\",\"address\":\"" + SERVICE + "\",\"replyAddress\":\"l1\",\"headers\":"
        + auth.replace("}", ",\"action\":\"list\"}") + ",\"body\":{}}");
      JsonObject reply = (JsonObject) w.next();
      assertEquals("rec", reply.getString("type"), String.valueOf(reply));
      assertEquals(List.of("binary"), w.kinds);
      outcome("sockjs raw websocket frame kind", "binary");
    }
  }

  @Test
  @Timeout(60)
  void aSockJsClientThatNeverReadsIsDisconnected() throws Exception {
    String auth = new JsonObject().put("authorization", "Bearer " + EdgeFixture.ALICE).encode();
    JsonObject info;
    try (Ws w = Ws.open()) {
      w.send("{\"type\":\"send\",\"address\":\"" + SERVICE + "\",\"replyAddress\":\"s1\",\"headers\":"
        + auth.replace("}", ",\"action\":\"spawn\"}") + ",\"body\":{\"request\":{\"command\":[\"cat\",\"/dev/zero\"]}}}");
      info = ((JsonObject) w.next()).getJsonObject("body");
      w.reading = false; // from now on the client takes no more messages: the socket stops being read
      w.send("{\"type\":\"register\",\"address\":\"" + info.getString("eventAddress") + "\"}");
      w.send("{\"type\":\"send\",\"address\":\"" + info.getString("controlAddress") + "\",\"body\":{\"id\":\""
        + info.getString("id") + "\",\"stdout\":1099511627776}}");
      // The sandboxed kernel here shows no sockets in /proc/net/tcp, and a client that does not read cannot see
      // the close: what is checked is that the bridge gave the connection up (its subscription is gone).
      Await.until(edge.vertx, "the bridge giving the SockJS connection up", 50, 30_000,
        () -> await(edge.bridge.registeredAddresses()) == 0);
      outcome("sockjs client that never reads (1 TiB of credit, cat /dev/zero)", "given up at the write-queue bound, channel closed");
    }
    await(ProcessService.createProxy(edge.vertx, info.getString("serviceAddress")).closeProcess(info.getString("id"),
      "alice"));
  }

  // --- the bus

  @Test
  @Timeout(60)
  void busBadInput() throws Exception {
    ReplyException notJson = Await.replyFailure(edge.vertx.eventBus().request(SERVICE, "spawn me",
      new DeliveryOptions().addHeader("action", "spawn")));
    assertEquals(ErrorCode.MALFORMED.code(), notJson.failureCode());
    outcome("bus body not JSON", "432 MALFORMED");
    ReplyException shell = Await.replyFailure(edge.vertx.eventBus().request(SERVICE, spawnBody(new JsonObject()
      .put("shell", "id").put("owner", "mallory")), new DeliveryOptions().addHeader("action", "spawn")));
    assertEquals(ErrorCode.DENIED.code(), shell.failureCode());
    outcome("bus shell command under the policy", "450 DENIED (shell)");
    ReplyException preload = Await.replyFailure(edge.vertx.eventBus().request(SERVICE, spawnBody(cmd("cat")
      .put("owner", "mallory").put("options", new JsonObject().put("env", new JsonObject()
        .put("LD_PRELOAD", "/tmp/evil.so")))), new DeliveryOptions().addHeader("action", "spawn")));
    assertEquals(ErrorCode.DENIED.code(), preload.failureCode());
    outcome("bus LD_PRELOAD", "450 DENIED (env)");
    ReplyException unknown = Await.replyFailure(edge.vertx.eventBus().request(P + ".instance.edge-1",
      new JsonObject().put("id", "\u0000\n../x"), new DeliveryOptions().addHeader("action", "info")));
    assertEquals(ErrorCode.UNKNOWN_PROCESS.code(), unknown.failureCode());
    outcome("bus unknown id with control characters", "420 UNKNOWN_PROCESS");
  }

  // --- afterwards

  @Test
  @Order(Integer.MAX_VALUE) // after every case
  @Timeout(60)
  void theServiceIsStillUpAndNothingLeaked() throws Exception {
    ProcessService service = ProcessService.createProxy(edge.vertx, SERVICE);
    Await.until(edge.vertx, "every child gone", 20, 20_000, () -> children().isEmpty()
      && await(service.list()).stream().allMatch(p -> p.getExitStatus() != null));
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      assertEquals("message", t.command(SERVICE, "list", new JsonObject()).getString("type"), "the bridge answers");
    }
    Await.until(edge.vertx, "descriptors back near " + fdsBefore, 20, 20_000, () -> fds() <= fdsBefore + 16);
    System.out.println("bad-input cases: " + outcomes.size());
    outcomes.forEach((k, v) -> System.out.println("  " + k + " -> " + v));
    assertEquals(52, outcomes.size(), "cases tried: " + outcomes.keySet());
  }

  private static int fds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return (int) s.count();
    }
  }

  /** Live children of this JVM. */
  private static List<String> children() throws IOException {
    List<String> kids = new ArrayList<>();
    long watchdog = Watchdog.shared().pid(); // lives as long as the JVM, by design (docs/engine.md)
    ProcessHandle.current().children().filter(c -> c.pid() != watchdog)
      .forEach(c -> kids.add(c.pid() + " " + c.info().commandLine().orElse("?")));
    return kids;
  }
}
