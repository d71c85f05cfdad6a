package io.procbus.cluster;

import io.procbus.api.ProcessEngine;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.engine.ExitStatusTest;
import io.procbus.testing.ChildHost;
import io.procbus.testing.ClusterFixture;
import io.vertx.core.Vertx;

/**
 * {@link ExitStatusTest} across a cluster: the client in this JVM, every child on node {@code b}, another JVM,
 * whose children, fds and threads the suite's probes check.
 */
class ClusterExitStatusIT extends ExitStatusTest {

  @Override
  protected Vertx createVertx() throws Exception {
    return ClusterFixture.shared().join();
  }

  @Override
  protected ProcessEngine createEngine(Vertx vertx) {
    return ProcessClient.create(vertx, new ProcessClientOptions().setNode("b"));
  }

  @Override
  protected ChildHost childHost() throws Exception {
    return ClusterFixture.shared().childHost("b");
  }
}
