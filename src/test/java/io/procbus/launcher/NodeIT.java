package io.procbus.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.testing.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fat jar as the README runs it: what it binds is what the README says, its first start makes a token file
 * (in a temporary state directory here), and SIGTERM stops it.
 */
class NodeIT {

  @Test
  @Timeout(120)
  void theReadmeCommandListensOnLoopbackOnlyAndStopsOnSigterm() throws Exception {
    Path state = Files.createTempDirectory("procbus-node-it").resolve("state");
    try (NodeProcess node = NodeProcess.startReady("readme", List.of("-conf", "conf/config.json"),
      Map.of("PROCBUS_STATE_DIR", state.toString()), Duration.ofSeconds(60))) {
      Duration soon = Duration.ofSeconds(10);
      node.awaitLine(("procbus: first start: made token file " + state.resolve("tokens.json")
        + " (mode 0600, principal " + System.getProperty("user.name") + "); try: PROCBUS_STATE_DIR=" + state
        + " bin/procbus run -- echo hello; console: http://127.0.0.1:8080/")::equals, soon);
      node.awaitLine("procbus: tcp bridge on 127.0.0.1:7000"::equals, soon);
      node.awaitLine("procbus: sockjs bridge on http://127.0.0.1:8080/eventbus"::equals, soon);
      HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:8081/health/live")).timeout(soon).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, live.statusCode(), live.body());
      assertTrue(live.body().contains("UP"), live.body());

      node.signal("TERM");
      assertEquals(143, node.awaitExit(Duration.ofSeconds(30)), "exit status after SIGTERM: 128 + 15");
    }
  }
}
