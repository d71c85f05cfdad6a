package io.procbus.cluster;

import io.procbus.engine.StreamsTest;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.Placement;

/**
 * {@link StreamsTest} across a cluster: the client in this JVM, every child on node {@code b}, another JVM, whose
 * children, fds and threads the suite's probes check.
 */
class ClusterStreamsIT extends StreamsTest {

  @Override
  protected Placement placement() {
    return ClusterFixture.onNode("b");
  }
}
