package io.procbus.cluster;

import io.procbus.engine.ResourceUsageTest;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.Placement;

/** {@link ResourceUsageTest} across a cluster: every child on node {@code b}, measured by that node's reaper. */
class ClusterResourceUsageIT extends ResourceUsageTest {

  @Override
  protected Placement placement() {
    return ClusterFixture.onNode("b");
  }
}
