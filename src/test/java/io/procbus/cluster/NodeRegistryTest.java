package io.procbus.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.procbus.api.NodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The placement rule and the liveness of registry entries, on a clock the test sets. */
class NodeRegistryTest {

  private static final long MS = 1_000_000;

  private static NodeInfo node(String name, int live, int capacity) {
    return new NodeInfo().setNode(name).setInstance(name).setAddress("p.instance." + name).setLive(live)
      .setCapacity(capacity).setHeartbeatMillis(1000);
  }

  @Test
  @Timeout(10)
  void theLeastLoadedByLiveOverCapacityWinsAndATieKeepsTheChildHere() {
    NodeRegistry r = new NodeRegistry(5000);
    r.heard(node("b", 5, 10), 0);
    r.heard(node("c", 30, 100), 0);
    assertEquals("c", r.pick(node("a", 8, 10), 1).getNode(), "c at 0.3 beats b at 0.5 and a at 0.8");
    assertNull(r.pick(node("a", 0, 10), 1), "a at 0.0 keeps it");
    NodeRegistry tie = new NodeRegistry(5000);
    tie.heard(node("b", 2, 10), 0);
    assertNull(tie.pick(node("z", 2, 10), 1), "a tie with this instance keeps the child here");
  }

  @Test
  @Timeout(10)
  void aPickedNodeCountsOneBusierUntilItsNextHeartbeat() {
    NodeRegistry r = new NodeRegistry(5000);
    r.heard(node("b", 0, 10), 0);
    assertEquals("b", r.pick(node("a", 1, 10), 1).getNode());
    assertNull(r.pick(node("a", 1, 10), 2), "b now counts 1, as a does");
    r.heard(node("b", 0, 10), 3);
    assertEquals("b", r.pick(node("a", 1, 10), 4).getNode());
  }

  @Test
  @Timeout(10)
  void silentAndLeavingInstancesAreNeitherListedNorPicked() {
    NodeRegistry r = new NodeRegistry(5000);
    r.heard(node("b", 0, 10), 0);
    r.heard(node("c", 0, 10), 4000 * MS);
    assertEquals(List.of("b", "c"), r.live(5000 * MS).stream().map(NodeInfo::getNode).toList());
    assertEquals(List.of("c"), r.live(5001 * MS).stream().map(NodeInfo::getNode).toList());
    assertEquals("c", r.pick(node("a", 5, 10), 5001 * MS).getNode());
    r.heard(node("c", 0, 10).setLeaving(true), 5002 * MS);
    assertEquals(List.of(), r.live(5003 * MS));
    assertNull(r.pick(node("a", 5, 10), 5003 * MS));
  }

  @Test
  @Timeout(10)
  void nodeInfoRoundTripsThroughJson() {
    NodeInfo n = node("b", 3, 7).setLeaving(true).setLastSeen(42);
    assertEquals(n.toJson(), new NodeInfo(n.toJson()).toJson());
  }
}
