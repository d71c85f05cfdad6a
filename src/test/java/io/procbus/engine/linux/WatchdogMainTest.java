package io.procbus.engine.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.procbus.testing.ProcessExits;
import io.procbus.testing.WatchdogFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog process on its own ({@link WatchdogMain}, {@link ProcessTree}): fed records by this JVM, it kills
 * what is recorded when its input ends, trees included, and nothing else.
 */
class WatchdogMainTest {

  private final List<Process> started = new ArrayList<>();

  private final List<Long> grandchildren = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    started.forEach(Process::destroyForcibly);
    grandchildren.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private Process start(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    return p;
  }

  /** A {@code sh} that starts {@code sleep 1000} in a session of its own and waits; gives the sleep's pid. */
  private long grandchildInItsOwnSession(Process sh) throws Exception {
    String line = new BufferedReader(new InputStreamReader(sh.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    long pid = Long.parseLong(line.trim());
    grandchildren.add(pid);
    return pid;
  }

  @Test
  @Timeout(60)
  void atEndOfInputTheRecordedChildrenAndTheirTreesAreKilledAndNothingElse() throws Exception {
    Process plain = start("sleep", "1000");
    Process leader = start("sh", "-c", "setsid sleep 1000 & echo $!; wait");
    long grandchild = grandchildInItsOwnSession(leader);
    Process reaped = start("sleep", "1000");
    Path state = Files.createTempDirectory("procbus-watchdog");
    Path log = state.resolve("watchdog.log");
    Process watchdog = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
      System.getProperty("java.class.path"), WatchdogMain.class.getName(),
      Long.toString(ProcessHandle.current().pid()), state.toString()).redirectError(log.toFile()).start();
    started.add(watchdog);
    OutputStream watchdogInput = watchdog.getOutputStream();
    watchdogInput.write(("+" + plain.pid() + "\n+" + leader.pid() + "\n+" + reaped.pid() + "\nnonsense\n-"
      + reaped.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
    watchdogInput.flush();
    // its JVM takes a while to start: wait until it has the children on file, then end its input
    WatchdogFile.awaitRecorded(state, ProcessHandle.current().pid(), List.of(plain.pid(), leader.pid()),
      Duration.ofSeconds(30));
    try (ProcessExits exits = ProcessExits.watch(Map.of("plain", plain.pid(), "leader", leader.pid(),
      "grandchild", grandchild))) {
      long closed = System.nanoTime();
      watchdogInput.close();
      assertEquals(List.of(), exits.await(Duration.ofSeconds(1)), "alive 1 s after the watchdog's input ended");
      System.out.println("killed within " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed)
        + " ms of end of input");
    }
    assertTrue(watchdog.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, watchdog.exitValue());
    assertTrue(reaped.isAlive(), "a child recorded as reaped is not the watchdog's");
    assertEquals(List.of("procbus watchdog: JVM " + ProcessHandle.current().pid() + " is gone; killed 3 processes it"
      + " left (2 children recorded)"), Files.readAllLines(log));
    assertFalse(Files.exists(state.resolve("children").resolve(ProcessHandle.current().pid() + ".pids")),
      "a clean end leaves no file");
  }

  @Test
  @Timeout(60)
  void aPidReusedByAnotherProcessIsNotKilled() throws Exception {
    Process victim = start("sleep", "1000");
    long start = ProcessTree.startTime((int) victim.pid());
    assertEquals(0, ProcessTree.kill(Map.of((int) victim.pid(), start + 1)));
    assertTrue(victim.isAlive());
  }
}
