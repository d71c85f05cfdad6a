package io.procbus.engine.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a previous run left: found in the state directory, killed when its JVM and watchdog are gone. */
class LeftoversTest {

  /** A pid no process has: above the largest pid the kernel hands out. */
  private static final int DEAD = 4_194_304 + 1;

  private static Path file(Path state, String name, int jvm, long jvmStart, Process child) throws Exception {
    Path dir = Files.createDirectories(state.resolve("children"));
    String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    return Files.writeString(dir.resolve(name + ".pids"), "boot " + boot + "\njvm " + jvm + " " + jvmStart
      + "\nwatchdog " + DEAD + " 1\n" + child.pid() + " " + ProcessTree.startTime((int) child.pid()) + "\n");
  }

  @TempDir
  Path state;
  private Process child;

  @BeforeEach
  void startChild() throws Exception {
    child = new ProcessBuilder("sleep", "1000").start();
  }

  @AfterEach
  void killChild() {
    child.destroyForcibly();
  }

  @Test
  @Timeout(60)
  void childrenOfADeadRunAreKilledAndTheFileRemoved() throws Exception {
    Path f = file(state, "123", DEAD, 1, child);
    assertEquals(new Leftovers.Swept(1, 1), Leftovers.sweep(state));
    assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    assertFalse(Files.exists(f));
  }

  @Test
  @Timeout(60)
  void theFileOfALiveJvmIsLeftAlone() throws Exception {
    int self = (int) ProcessHandle.current().pid();
    Path f = file(state, Integer.toString(self), self, ProcessTree.startTime(self), child);
    assertEquals(new Leftovers.Swept(0, 0), Leftovers.sweep(state));
    assertTrue(child.isAlive());
    assertTrue(Files.exists(f));
  }

}
