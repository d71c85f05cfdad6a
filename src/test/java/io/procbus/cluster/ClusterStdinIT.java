package io.procbus.cluster;

import io.procbus.engine.StdinTest;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.Placement;

/**
 * {@link StdinTest} across a cluster: the client in this JVM, every child on node {@code b}, another JVM, whose
 * children, fds and threads the suite's probes check.
 */
class ClusterStdinIT extends StdinTest {

  @Override
  protected Placement placement() {
    return ClusterFixture.onNode("b");
  }
}
