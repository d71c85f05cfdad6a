package io.procbus.engine.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The watchdog process of one JVM ({@link Watchdog} starts it): reads the JVM's children from standard input,
 * one record a line ({@code +<pid>} spawned, {@code -<pid>} reaped), and at end of input, which means the
 * JVM is gone, kills those still recorded with their trees ({@link ProcessTree#kill}), prints one line on
 * standard error if it killed anything, and exits.
 *
 * <p>The start time of each child is read when its {@code +} record arrives: while the JVM lives, a child it
 * has not reaped keeps its pid. With a state directory as second argument, the set is also kept in
 * {@code <dir>/children/<jvm pid>.pids} ({@link Leftovers}), rewritten at most every
 * {@value #SAVE_MILLIS} ms while it changes and deleted at a clean end, so that the next node start can find
 * what a run left if the watchdog died with its JVM.
 *
 * <p>Usage: {@code java … io.procbus.engine.linux.WatchdogMain <jvm pid> [<state dir>]}.
 */
public final class WatchdogMain {

  /** Time between two saves of a changing set. */
  static final long SAVE_MILLIS = 200;

  private WatchdogMain() {
  }

  /** Runs the watchdog; exits 0 after the sweep, 2 on bad arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: WatchdogMain <jvm pid> [<state dir>]");
      System.exit(2);
    }
    int jvm = Integer.parseInt(args[0]);
    ProcessTree.warmUp();
    Map<Integer, Long> children = new ConcurrentHashMap<>();
    Leftovers file = args.length == 2 ? Leftovers.of(Path.of(args[1]), jvm) : null;
    AtomicBoolean dirty = new AtomicBoolean();
    ScheduledExecutorService saver = null;
    if (file != null) {
      saver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "procbus-watchdog-save");
        t.setDaemon(true);
        return t;
      });
      saver.scheduleWithFixedDelay(() -> {
        if (dirty.getAndSet(false)) {
          file.save(children);
        }
      }, SAVE_MILLIS, SAVE_MILLIS, TimeUnit.MILLISECONDS);
    }
    read(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)), children, dirty);
    if (saver != null) {
      saver.shutdownNow();
      try {
        saver.awaitTermination(5, TimeUnit.SECONDS); // a save in flight must not recreate the file deleted below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int killed = children.isEmpty() ? 0 : ProcessTree.kill(children);
    if (killed > 0) {
      System.err.println("procbus watchdog: JVM " + jvm + " is gone; killed " + killed + " processes it left ("
        + children.size() + " children recorded)");
    }
    if (file != null) {
      file.delete();
    }
  }

  /** Applies records until end of input (a malformed line is skipped). */
  static void read(BufferedReader in, Map<Integer, Long> children, AtomicBoolean dirty) throws IOException {
    for (String line; (line = in.readLine()) != null; ) {
      if (line.length() < 2) {
        continue;
      }
      int pid;
      try {
        pid = Integer.parseInt(line, 1, line.length(), 10);
      } catch (NumberFormatException e) {
        continue;
      }
      if (line.charAt(0) == '+') {
        long start = ProcessTree.startTime(pid);
        if (start >= 0) {
          children.put(pid, start);
          dirty.set(true);
        }
      } else if (line.charAt(0) == '-' && children.remove(pid) != null) {
        dirty.set(true);
      }
    }
  }
}
