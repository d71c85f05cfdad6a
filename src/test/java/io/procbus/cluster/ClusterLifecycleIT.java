package io.procbus.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.engine.LifecycleTest;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.Placement;
import io.procbus.testing.NodeProcess;
import io.procbus.testing.ProcStat;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LifecycleTest} across a cluster: the client in this JVM, every child on node {@code b}, another JVM,
 * whose children, fds and threads the suite's probes check.
 */
class ClusterLifecycleIT extends LifecycleTest {

  @Override
  protected Placement placement() {
    return ClusterFixture.onNode("b");
  }

  /**
   * The suites' zombie check fails when a zombie is left on node b. A real one: node b's JVM is stopped
   * (SIGSTOP), so its engine cannot reap, and its child is killed from here; the child stays a zombie of node b
   * and the check fails naming it. Once node b runs again (SIGCONT) its engine reaps the child, the client hears
   * the exit, and the check passes.
   */
  @Test
  @Timeout(60)
  void theZombieCheckFailsWhileAZombieIsLeftOnTheNode() throws Exception {
    NodeProcess b = ClusterFixture.shared().node("b");
    ChildProcess p = exec(opts(), "sleep", "3600");
    host.assertNoZombies("before the test");
    String message;
    b.signal("STOP");
    try {
      ProcStat before = procStat(p.pid());
      Process kill = new ProcessBuilder("kill", "-KILL", Integer.toString(p.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -KILL " + p.pid()); // it exits; its parent cannot reap it
      try {
        awaitCondition("pid " + p.pid() + " a zombie of node b", () -> {
          ProcStat s = procStat(p.pid());
          return s != null && s.zombie() && s.ppid() == b.pid();
        }, Duration.ofSeconds(10));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; before " + before + ", now " + procStat(p.pid()) + ", node b "
          + procStat(b.pid()), e);
      }

      message = assertThrows(AssertionError.class, () -> host.assertNoZombies("while node b is stopped"))
        .getMessage();
      assertTrue(isChildOfHost(p.pid()), "the zombie is still node b's child");
    } finally {
      b.signal("CONT");
    }

    assertTrue(message.contains("pid=" + p.pid()) && message.contains("node b"), message);
    assertEquals(-9, await(p.waitFor()));
    awaitCondition("pid " + p.pid() + " reaped by node b", () -> !isChildOfHost(p.pid()), Duration.ofSeconds(10));
    host.assertNoZombies("after node b resumed");
  }
}
