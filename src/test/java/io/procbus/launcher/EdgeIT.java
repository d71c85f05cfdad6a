package io.procbus.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.testing.NodeProcess;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridges of a node started from the fat jar: on loopback, refusing every command without a policy, and
 * with the shipped {@code conf/policy.json} running what it allows and denying the rest.
 */
class EdgeIT {

  private static final String TOKEN = "it-token-0123456789abcdef";

  private static Path tokenFile() throws Exception {
    Path dir = Files.createTempDirectory("procbus-edge-it");
    return Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", TOKEN).put("principal", "alice").put("roles", new JsonArray().add("user"))))
      .encode());
  }

  private static JsonObject config(Path tokens) {
    return new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0))
        .put("sockjs", new JsonObject().put("enabled", true).put("port", 0)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()));
  }

  private static int tcpPort(NodeProcess node) throws Exception {
    String line = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), Duration.ofSeconds(60));
    assertTrue(line.startsWith("procbus: tcp bridge on 127.0.0.1:"), "loopback by default: " + line);
    node.awaitLine(l -> l.startsWith("procbus: sockjs bridge on http://127.0.0.1:"), Duration.ofSeconds(60));
    return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
  }

  @Test
  @Timeout(120)
  void withoutAPolicyTheBridgesDenyEveryCommand() throws Exception {
    try (NodeProcess node = NodeProcess.startReady("edge-no-policy", List.of("-conf",
      config(tokenFile()).encode()), Map.of(), Duration.ofSeconds(60))) {
      int port = tcpPort(node);
      try (TcpBridgeClient t = TcpBridgeClient.authenticated(port, TOKEN)) {
        JsonObject f = t.command("procbus.service", "spawn", new JsonObject().put("request",
          new JsonObject().put("command", new JsonArray().add("echo").add("hi"))));
        assertEquals(ErrorCode.DENIED.code(), f.getInteger("failureCode"), f.encode());
        assertTrue(f.getString("message").contains("no-policy"), f.getString("message"));
      }
      node.signal("TERM");
      assertEquals(143, node.awaitExit(Duration.ofSeconds(30)));
    }
  }

  @Test
  @Timeout(120)
  void theShippedPolicyRunsWhatItAllowsAndAuditsIt() throws Exception {
    Path tokens = tokenFile();
    Path audit = tokens.resolveSibling("audit.log");
    JsonObject config = config(tokens).put("policy", new JsonObject().put("policyFile", "conf/policy.json"))
      .put("audit", new JsonObject().put("file", audit.toString()));
    try (NodeProcess node = NodeProcess.startReady("edge-policy", List.of("-conf", config.encode()), Map.of(),
      Duration.ofSeconds(60))) {
      int port = tcpPort(node);
      try (TcpBridgeClient t = TcpBridgeClient.authenticated(port, TOKEN)) {
        JsonObject ran = t.command("procbus.service", "run", new JsonObject().put("request", new JsonObject()
          .put("spawn", new JsonObject().put("command", new JsonArray().add("echo").add("$HOME")))));
        assertEquals("message", ran.getString("type"), ran.encode());
        assertEquals("$HOME\n", new String(Base64.getUrlDecoder().decode(ran.getJsonObject("body")
          .getString("stdout")), StandardCharsets.UTF_8));
        JsonObject rm = t.command("procbus.service", "spawn", new JsonObject().put("request", new JsonObject()
          .put("command", new JsonArray().add("rm").add("-rf").add("/tmp/x"))));
        assertEquals(ErrorCode.DENIED.code(), rm.getInteger("failureCode"), rm.encode());
      }
      node.signal("TERM");
      assertEquals(143, node.awaitExit(Duration.ofSeconds(30)));
    }
    List<String> lines = Files.readAllLines(audit);
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"spawn\"") && l.contains("\"principal\":\"alice\"")
      && l.contains("/echo")), "audit: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"exit\"")), "audit: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"deny\"") && l.contains("\"rule\":\"program\"")),
      "audit: " + lines);
  }
}
