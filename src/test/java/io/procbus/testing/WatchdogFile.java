package io.procbus.testing;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The file in which a JVM's watchdog keeps its children ({@code <state dir>/children/<jvm pid>.pids}): tests
 * wait on it to know that the watchdog runs and has recorded a child (its JVM takes a while to start).
 */
public final class WatchdogFile {

  private WatchdogFile() {
  }

  /** Waits (on file events, never on a duration) until the watchdog of {@code jvm} has recorded every pid. */
  public static void awaitRecorded(Path state, long jvm, Collection<Long> pids, Duration timeout) throws Exception {
    Path dir = Files.createDirectories(state.resolve("children"));
    Path file = dir.resolve(jvm + ".pids");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      while (true) {
        String text = Files.exists(file) ? Files.readString(file) : "";
        List<Long> recorded = text.lines().filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0)))
          .map(l -> Long.parseLong(l.split(" ")[0])).toList();
        if (recorded.containsAll(pids)) {
          return;
        }
        long left = deadline - System.nanoTime();
        WatchKey key = left <= 0 ? null : watch.poll(left, TimeUnit.NANOSECONDS);
        if (key == null) {
          throw new AssertionError("the watchdog of " + jvm + " did not record " + pids + " within " + timeout
            + "; its file: " + text);
        }
        key.pollEvents();
        key.reset();
      }
    }
  }
}
