package io.procbus.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.testing.NodeProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fat jar as the README runs it. */
class NodeIT {

  @Test
  @Timeout(120)
  void theReadmeCommandStartsANodeThatStopsOnSigterm() throws Exception {
    try (NodeProcess node = NodeProcess.startReady("readme", List.of("-conf", "conf/config.json"), Map.of(),
      Duration.ofSeconds(60))) {
      node.signal("TERM");
      assertEquals(143, node.awaitExit(Duration.ofSeconds(30)), "exit status after SIGTERM: 128 + 15");
    }
  }
}
