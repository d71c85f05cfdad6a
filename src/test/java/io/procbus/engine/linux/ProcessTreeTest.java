package io.procbus.engine.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which processes a sweep takes, on made-up {@code /proc} tables: trees, groups and sessions, never others. */
class ProcessTreeTest {

  /** The JVM (100) leads group and session 1; init is 1. */
  private static Map<Integer, ProcessTree.Stat> table(ProcessTree.Stat... more) {
    Map<Integer, ProcessTree.Stat> t = new HashMap<>();
    t.put(1, new ProcessTree.Stat(1, 'S', 0, 1, 1, 1));
    t.put(100, new ProcessTree.Stat(100, 'S', 1, 100, 100, 50));
    for (ProcessTree.Stat s : more) {
      t.put(s.pid(), s);
    }
    return t;
  }

  private static Set<Integer> targets(Map<Integer, Long> children, Map<Integer, ProcessTree.Stat> table) {
    return new TreeSet<>(ProcessTree.targets(children, table).keySet());
  }

  @Test
  void aChildInTheJvmsGroupTakesItsDescendantsButNeverTheGroup() {
    Map<Integer, ProcessTree.Stat> t = table(
      new ProcessTree.Stat(200, 'S', 100, 100, 100, 60),   // our child, in the JVM's group
      new ProcessTree.Stat(201, 'S', 200, 100, 100, 61),   // its child
      new ProcessTree.Stat(300, 'S', 100, 100, 100, 62));  // another process of the JVM's group, not recorded
    assertEquals(Set.of(200, 201), targets(Map.of(200, 60L), t));
  }

  @Test
  void aDescendantThatLeftForASessionOfItsOwnIsTakenWithItsSession() {
    Map<Integer, ProcessTree.Stat> t = table(
      new ProcessTree.Stat(200, 'S', 100, 100, 100, 60),
      new ProcessTree.Stat(201, 'S', 200, 201, 201, 61),   // setsid
      new ProcessTree.Stat(202, 'S', 1, 201, 201, 62));    // its child, reparented to init
    assertEquals(Set.of(200, 201, 202), targets(Map.of(200, 60L), t));
  }

  @Test
  void aGoneGroupLeaderStillNamesWhatIsLeftOfItsGroup() {
    Map<Integer, ProcessTree.Stat> t = table(
      new ProcessTree.Stat(401, 'S', 1, 400, 100, 70));    // group 400 survives its leader
    assertEquals(Set.of(401), targets(Map.of(400, 65L), t));
  }

  @Test
  void aReusedPidIsNotTakenNorItsGroup() {
    Map<Integer, ProcessTree.Stat> t = table(
      new ProcessTree.Stat(200, 'S', 1, 200, 200, 99),     // pid 200 now belongs to someone else
      new ProcessTree.Stat(201, 'S', 200, 200, 200, 99));
    assertEquals(Set.of(), targets(Map.of(200, 60L), t));
  }
}
