package io.procbus.cluster;

import io.procbus.api.ProcessEngine;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.engine.ResourceUsageTest;
import io.procbus.testing.ClusterFixture;
import io.vertx.core.Vertx;

/** {@link ResourceUsageTest} across a cluster: every child on node {@code b}, measured by that node's reaper. */
class ClusterResourceUsageIT extends ResourceUsageTest {

  @Override
  protected Vertx createVertx() throws Exception {
    return ClusterFixture.shared().join();
  }

  @Override
  protected ProcessEngine createEngine(Vertx vertx) {
    return ProcessClient.create(vertx, new ProcessClientOptions().setNode("b"));
  }
}
