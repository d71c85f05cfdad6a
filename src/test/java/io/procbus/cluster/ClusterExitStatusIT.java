package io.procbus.cluster;

import io.procbus.engine.ExitStatusTest;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.Placement;

/**
 * {@link ExitStatusTest} across a cluster: the client in this JVM, every child on node {@code b}, another JVM,
 * whose children, fds and threads the suite's probes check.
 */
class ClusterExitStatusIT extends ExitStatusTest {

  @Override
  protected Placement placement() {
    return ClusterFixture.onNode("b");
  }
}
