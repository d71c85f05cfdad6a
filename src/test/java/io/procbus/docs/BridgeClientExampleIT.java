package io.procbus.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.testing.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge client of docs/protocol.md ({@code docs/examples/bridge-client.py}, which {@code DocSnippetsTest}
 * holds equal to the document) run as a user runs it, against a node started from the fat jar with the shipped
 * policy: once with {@code PROCBUS_TOKEN}, once with the token file in the state directory.
 */
class BridgeClientExampleIT {

  private static final String TOKEN = "example-it-token-0123456789abcdef";

  @Test
  @Timeout(180)
  void theDocumentedPythonClientRunsEchoThroughTheTcpBridge() throws Exception {
    Path state = Files.createTempDirectory("procbus-example-it");
    Path tokens = Files.writeString(state.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", TOKEN).put("principal", "example").put("roles", new JsonArray().add("user"))))
      .encode());
    JsonObject config = new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0))
        .put("sockjs", new JsonObject().put("enabled", false)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("policy", new JsonObject().put("policyFile", "conf/policy.json"));
    try (NodeProcess node = NodeProcess.startReady("bridge-example", List.of("-conf", config.encode()), Map.of(),
      Duration.ofSeconds(60))) {
      String line = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), Duration.ofSeconds(60));
      String port = line.substring(line.lastIndexOf(':') + 1);

      Run withEnv = run(Map.of("PROCBUS_TCP_PORT", port, "PROCBUS_TOKEN", TOKEN));
      assertEquals(0, withEnv.exit(), withEnv.stderr());
      assertEquals("hello\n", withEnv.stdout());
      assertEquals("exit 0\n", withEnv.stderr());

      Run withStateDir = run(Map.of("PROCBUS_TCP_PORT", port, "PROCBUS_STATE_DIR", state.toString()));
      assertEquals(0, withStateDir.exit(), withStateDir.stderr());
      assertEquals("hello\n", withStateDir.stdout());
    }
  }

  private record Run(int exit, String stdout, String stderr) {
  }

  private static Run run(Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("example-out", ".txt");
    Path err = Files.createTempFile("example-err", ".txt");
    ProcessBuilder pb = new ProcessBuilder("python3", "docs/examples/bridge-client.py")
      .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
      .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("PROCBUS_TOKEN");
    pb.environment().remove("PROCBUS_STATE_DIR");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the example did not finish in 60 s");
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err,
      StandardCharsets.UTF_8));
  }
}
