package io.procbus.cluster;

import io.procbus.api.ProcessEngine;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.engine.StreamsTest;
import io.procbus.testing.ChildHost;
import io.procbus.testing.ClusterFixture;
import io.vertx.core.Vertx;

/**
 * {@link StreamsTest} across a cluster: the client in this JVM, every child on node {@code b}, another JVM, whose
 * children, fds and threads the suite's probes check.
 */
class ClusterStreamsIT extends StreamsTest {

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
