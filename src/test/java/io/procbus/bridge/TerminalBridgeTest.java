package io.procbus.bridge;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.TerminalSize;
import io.procbus.testing.EdgeFixture;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.json.JsonArray;
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
 * A terminal child through the TCP bridge, as a bridge client meets it (issue 15, part 2): spawn with
 * {@code options.terminal} under a policy rule that allows it, the size in {@code info}, {@code resize} followed by
 * the child, typed input, the output as {@code stdout} events and the exit after them; and the terminal's bad
 * input with stable codes.
 */
class TerminalBridgeTest {

  private static final String P = "tty";
  private static final String SERVICE = P + ".service";
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start(P, new JsonObject().put("terminal", true)
      .put("programs", new JsonArray().add(new JsonObject().put("path", "sh")).add(new JsonObject().put("path", "cat")))
      .put("envAllow", new JsonArray().add("TERM")), true);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static JsonObject spawn(JsonObject options, String... argv) {
    return new JsonObject().put("request", new JsonObject().put("command", new JsonArray(List.of((Object[]) argv)))
      .put("options", options));
  }

  private static JsonObject terminal(int cols, int rows) {
    return new JsonObject().put("terminal", new JsonObject().put("cols", cols).put("rows", rows));
  }

  private static String text(JsonObject frame) {
    return new String(Base64.getUrlDecoder().decode(frame.getJsonObject("body").getString("data")),
      StandardCharsets.UTF_8);
  }

  private static String data(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(60)
  void spawnResizeTypeAndExitThroughTheTcpBridge() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonObject spawned = t.command(SERVICE, "spawn", spawn(terminal(100, 30).put("env",
        new JsonObject().put("TERM", "vt100")), "sh", "-c", "echo $TERM; stty size; read x; stty size; exit 3"));
      assertEquals("message", spawned.getString("type"), spawned.encode());
      ProcessInfo info = new ProcessInfo(spawned.getJsonObject("body"));
      assertEquals(new TerminalSize(100, 30), info.getTerminal());
      assertTrue(info.isStdinPipe() && info.isStdoutPipe() && !info.isStderrPipe(), info.toString());
      String at = info.getServiceAddress();
      t.frame(new JsonObject().put("type", "register").put("address", info.getEventAddress()));
      t.frame(new JsonObject().put("type", "send").put("address", info.getControlAddress())
        .put("body", new JsonObject().put("id", info.getId()).put("stdout", 65536).put("stderr", 65536)));

      StringBuilder out = new StringBuilder();
      List<String> events = new ArrayList<>();
      while (!out.toString().contains("30 100\r\n")) {
        JsonObject f = t.read();
        events.add(f.getJsonObject("headers").getString("type"));
        out.append(text(f));
      }
      assertEquals("vt100\r\n30 100\r\n", out.toString(), "the caller's TERM (envAllow lists it), the spawn size");
      JsonObject resized = t.command(at, "resize", new JsonObject().put("id", info.getId()).put("cols", 132)
        .put("rows", 43));
      assertEquals("message", resized.getString("type"), resized.encode());
      JsonObject now = t.command(at, "info", new JsonObject().put("id", info.getId())).getJsonObject("body");
      assertEquals(new JsonObject().put("cols", 132).put("rows", 43), now.getJsonObject("terminal"));
      assertEquals("message", t.command(at, "writeStdin", new JsonObject().put("id", info.getId())
        .put("data", data("\n"))).getString("type"));

      JsonObject exit = null;
      while (exit == null) {
        JsonObject f = t.read();
        String type = f.getJsonObject("headers").getString("type");
        events.add(type);
        if ("stdout".equals(type)) {
          out.append(text(f));
        } else if ("exit".equals(type)) {
          exit = f.getJsonObject("body");
        }
      }
      assertTrue(out.toString().endsWith("\r\n43 132\r\n"), "the child saw the resize: " + out);
      assertEquals(3, exit.getInteger("code"), exit.encode());
      assertTrue(events.indexOf("eof") >= 0 && events.indexOf("eof") < events.indexOf("exit"),
        "the output ends before the exit: " + events);
      while (!"closed".equals(events.get(events.size() - 1))) {
        events.add(t.read().getJsonObject("headers").getString("type"));
      }
      assertFalse(events.contains("stderr"), String.valueOf(events));
      assertEquals(ErrorCode.PROCESS_LOOKUP.code(), t.command(at, "resize", new JsonObject().put("id", info.getId())
        .put("cols", 80).put("rows", 24)).getInteger("failureCode"), "after the exit");
    }
  }

  /** As closing a pipe's read end gives the writer EPIPE, closing a terminal's reading side hangs it up. */
  @Test
  @Timeout(60)
  void closingTheOutputOfATerminalHangsItUp() throws Exception {
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      ProcessInfo info = new ProcessInfo(t.command(SERVICE, "spawn", spawn(terminal(80, 24), "cat"))
        .getJsonObject("body"));
      assertEquals("message", t.command(info.getServiceAddress(), "closePipe", new JsonObject()
        .put("id", info.getId()).put("fd", 1)).getString("type"));
      // nothing is published before the first grant: the events, from the start, after the reply
      t.frame(new JsonObject().put("type", "register").put("address", info.getEventAddress()));
      t.frame(new JsonObject().put("type", "send").put("address", info.getControlAddress())
        .put("body", new JsonObject().put("id", info.getId()).put("stdout", 65536)));
      JsonObject exit = null;
      while (exit == null) {
        JsonObject f = t.read();
        if ("exit".equals(f.getJsonObject("headers").getString("type"))) {
          exit = f.getJsonObject("body");
        }
      }
      assertEquals("HUP", exit.getString("signal"), "cat got SIGHUP: " + exit.encode());
    }
  }

  /** Under a policy the environment is the caller's allowed variables only: no TERM given, the default one. */
  @Test
  @Timeout(60)
  void aBusCallersRunOnATerminalGetsTheDefaultTerm() throws Exception {
    ProcessService bus = ProcessService.createProxy(edge.vertx, SERVICE);
    RunResult r = await(bus.run(new RunRequest().setSpawn(new SpawnRequest().setOwner("ann")
      .setCommand(List.of("sh", "-c", "echo $TERM; tty >/dev/null && echo tty"))
      .setOptions(new ProcessOptions().setTerminal(new TerminalSize(80, 24))))));
    assertEquals("xterm-256color\r\ntty\r\n", r.getStdout().toString());
    assertEquals(0, r.getExitStatus().returnCode());
  }

  @Test
  @Timeout(60)
  void aTerminalWithAStreamSetOrOutOfRangeIsInvalidAndStartsNothing() throws Exception {
    ProcessService bus = ProcessService.createProxy(edge.vertx, SERVICE);
    int before = await(bus.list()).size();
    try (TcpBridgeClient t = TcpBridgeClient.authenticated(edge.bridge.tcpPort(), EdgeFixture.ALICE)) {
      JsonObject conflict = t.command(SERVICE, "spawn", spawn(terminal(80, 24).put("stdin",
        new JsonObject().put("mode", "PIPE")), "cat"));
      assertEquals(ErrorCode.INVALID_ARGUMENT.code(), conflict.getInteger("failureCode"), conflict.encode());
      assertTrue(conflict.getString("message").contains("terminal and stdin conflict"), conflict.encode());
      JsonObject tooWide = t.command(SERVICE, "spawn", spawn(terminal(65536, 24), "cat"));
      assertEquals(ErrorCode.INVALID_ARGUMENT.code(), tooWide.getInteger("failureCode"), tooWide.encode());
      JsonObject typo = t.command(SERVICE, "spawn", spawn(new JsonObject().put("terminal",
        new JsonObject().put("cols", 80).put("lines", 24)), "cat"));
      assertEquals(ErrorCode.MALFORMED.code(), typo.getInteger("failureCode"), typo.encode());
    }
    assertEquals(before, await(bus.list()).size(), "nothing started");
  }
}
