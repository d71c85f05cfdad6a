package io.procbus.cluster;

import io.procbus.engine.TerminalTest;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.Placement;

/** {@link TerminalTest} across a cluster: the client in this JVM, every terminal child on node {@code b}. */
class ClusterTerminalIT extends TerminalTest {

  @Override
  protected Placement placement() {
    return ClusterFixture.onNode("b");
  }
}
