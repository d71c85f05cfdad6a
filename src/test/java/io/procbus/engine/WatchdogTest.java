package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.engine.linux.Leftovers;
import io.procbus.engine.linux.Watchdog;
import io.procbus.testing.ProcessExits;
import io.procbus.testing.WatchdogFile;
import io.procbus.config.StateDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JVM's watchdog as the engine drives it: every child is recorded, and a watchdog killed while the JVM
 * lives is replaced at the next record, with every live child recorded again.
 */
class WatchdogTest extends EngineTestBase {

  private static Path state() {
    Path state = StateDirectory.of(System.getenv());
    assertTrue(state != null, "the build sets PROCBUS_STATE_DIR");
    return state;
  }

  @Test
  @Timeout(120)
  void aKilledWatchdogIsReplacedAtTheNextRecordAndRecordsEveryLiveChild() throws Exception {
    ChildProcess sleeper = track(await(engine.exec(List.of("sleep", "1000"), opts())));
    WatchdogFile.awaitRecorded(state(), MY_PID, List.of((long) sleeper.pid()), Duration.ofSeconds(60));
    int old = Watchdog.shared().pid();
    try (ProcessExits exit = ProcessExits.watch(Map.of("watchdog", (long) old))) {
      ProcessHandle.of(old).ifPresent(ProcessHandle::destroyForcibly);
      assertEquals(List.of(), exit.await(Duration.ofSeconds(20)));
    }
    // the next record finds the pipe broken: a new watchdog gets the sleeper and this child
    ChildProcess next = track(await(engine.exec(List.of("sleep", "1000"), opts())));
    int replacement = Watchdog.shared().pid();
    assertNotEquals(old, replacement);
    assertTrue(!isChildOfThisJvm(old), "the old watchdog was reaped");
    WatchdogFile.awaitRecorded(state(), MY_PID, List.of((long) sleeper.pid(), (long) next.pid()), Duration.ofSeconds(60));
  }
}
