package io.procbus.cluster;

import io.procbus.api.NodeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The other service instances one instance has heard from, by instance id, with the time each was last
 * heard from; and the placement rule that picks the least-loaded one.
 *
 * <p>Confined to the owning instance's context: not thread-safe.
 */
final class NodeRegistry {

  private record Entry(NodeInfo info, long seenNanos) {
  }

  private final long timeoutNanos;
  private final Map<String, Entry> entries = new HashMap<>();

  NodeRegistry(long timeoutMillis) {
    this.timeoutNanos = timeoutMillis * 1_000_000;
  }

  /** Records a heartbeat; a leaving one removes the instance at once. */
  void heard(NodeInfo info, long nowNanos) {
    if (info.isLeaving()) {
      entries.remove(info.getInstance());
    } else {
      entries.put(info.getInstance(), new Entry(info.setLastSeen(System.currentTimeMillis()), nowNanos));
    }
  }

  /** Forgets the instances silent for longer than the timeout. */
  void expire(long nowNanos) {
    entries.values().removeIf(e -> nowNanos - e.seenNanos() > timeoutNanos);
  }

  /** Whether some live instance serves {@code node}. */
  boolean serves(String node, long nowNanos) {
    for (Entry e : entries.values()) {
      if (e.info().getNode().equals(node) && nowNanos - e.seenNanos() <= timeoutNanos) {
        return true;
      }
    }
    return false;
  }

  /** The live instances, copies, sorted by node then instance. */
  List<NodeInfo> live(long nowNanos) {
    List<NodeInfo> all = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (nowNanos - e.seenNanos() <= timeoutNanos) {
        all.add(new NodeInfo(e.info()));
      }
    }
    all.sort(Comparator.comparing(NodeInfo::getNode).thenComparing(NodeInfo::getInstance));
    return all;
  }

  /** The least-loaded live instance if it is less loaded than {@code self}, else {@code null} (run here). */
  NodeInfo pick(NodeInfo self, long nowNanos) {
    return pick(self, true, n -> true, nowNanos);
  }

  /**
   * The least-loaded live instance (lowest live / capacity, then fewest live, then name) that is {@code able}, if
   * {@code self} is not able or that one is less loaded than {@code self}; else {@code null} (run here, or, when
   * {@code self} is not able, nowhere). The chosen one is counted one child busier until its next heartbeat, so
   * that a burst of spawns spreads instead of piling onto it.
   */
  NodeInfo pick(NodeInfo self, boolean selfAble, Predicate<NodeInfo> able, long nowNanos) {
    NodeInfo best = null;
    for (Entry e : entries.values()) {
      NodeInfo n = e.info();
      if (nowNanos - e.seenNanos() > timeoutNanos || n.getInstance().equals(self.getInstance()) || !able.test(n)) {
        continue;
      }
      if (best == null || LOAD.compare(n, best) < 0) {
        best = n;
      }
    }
    if (best == null || selfAble && BY_LOAD.compare(best, self) >= 0) {
      return null;
    }
    best.setLive(best.getLive() + 1);
    return new NodeInfo(best);
  }

  /** By load only: a tie with this instance keeps the child here. */
  private static final Comparator<NodeInfo> BY_LOAD = Comparator
    .comparingDouble((NodeInfo n) -> (double) n.getLive() / Math.max(1, n.getCapacity()))
    .thenComparingInt(NodeInfo::getLive);

  /** By load, then by name: a total order among the others. */
  private static final Comparator<NodeInfo> LOAD = BY_LOAD
    .thenComparing(NodeInfo::getNode)
    .thenComparing(NodeInfo::getInstance);
}
