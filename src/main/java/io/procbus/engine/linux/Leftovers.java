package io.procbus.engine.linux;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The children a JVM had running, kept on disk by its watchdog in {@code <state dir>/children/<jvm pid>.pids},
 * and the sweep that ends what a previous run left when its JVM and its watchdog both died.
 *
 * <p>File format, one entry a line: {@code boot <boot id>}, {@code jvm <pid> <start time>},
 * {@code watchdog <pid> <start time>}, then {@code <pid> <start time>} per child (start times in clock ticks
 * after boot, as in {@code /proc/<pid>/stat}). The watchdog deletes its file after a clean end; a file whose
 * JVM and watchdog are both gone is what a crash left.
 */
public final class Leftovers {

  /** What {@link #sweep} found: files of dead runs, and processes it killed. */
  public record Swept(int files, int killed) {
  }

  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private final Path path;
  private final String header;
  private boolean warned;

  private Leftovers(Path path, String header) {
    this.path = path;
    this.header = header;
  }

  /** The file of the JVM {@code jvm}, written by the calling process (its watchdog). */
  static Leftovers of(Path stateDir, int jvm) {
    int self = (int) ProcessHandle.current().pid();
    return new Leftovers(stateDir.resolve("children").resolve(jvm + ".pids"),
      "boot " + bootId() + "\njvm " + jvm + " " + ProcessTree.startTime(jvm) + "\nwatchdog " + self + " "
        + ProcessTree.startTime(self) + "\n");
  }

  /** Replaces the file with {@code children} (write, then rename); a failure is reported once on stderr. */
  void save(Map<Integer, Long> children) {
    StringBuilder b = new StringBuilder(header);
    children.forEach((pid, start) -> b.append(pid).append(' ').append(start).append('\n'));
    try {
      Files.createDirectories(path.getParent());
      Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
      Files.writeString(tmp, b);
      try {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        System.err.println("procbus watchdog: cannot keep the children in " + path + ": " + e);
      }
    }
  }

  /** Deletes the file: the run ended cleanly. */
  void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a stale file is swept (and found empty of live processes) by the next start
    }
  }

  /**
   * Kills what previous runs left: for each file under {@code stateDir} whose JVM and watchdog are both gone
   * (same pid and start time, same boot), the children still running with their trees; then deletes the file.
   * Files of live JVMs are left alone.
   */
  public static Swept sweep(Path stateDir) {
    Path dir = stateDir.resolve("children");
    if (!Files.isDirectory(dir)) {
      return new Swept(0, 0);
    }
    int files = 0;
    int killed = 0;
    String boot = bootId();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "*.pids")) {
      for (Path file : list) {
        Map<Integer, Long> children = new HashMap<>();
        boolean live = false;
        boolean sameBoot = false;
        List<String> lines;
        try {
          lines = Files.readAllLines(file);
        } catch (IOException gone) {
          continue; // deleted by its watchdog meanwhile
        }
        for (String line : lines) {
          String[] f = line.split(" ");
          try {
            switch (f[0]) {
              case "boot" -> sameBoot = f.length == 2 && f[1].equals(boot);
              case "jvm", "watchdog" -> {
                long start = Long.parseLong(f[2]); // -1: it was gone already when the file was written
                // a zombie is dead: a killed node's watchdog may wait a while for PID 1 to reap it
                live |= start >= 0 && ProcessTree.runningStartTime(Integer.parseInt(f[1])) == start;
              }
              default -> children.put(Integer.parseInt(f[0]), Long.parseLong(f[1]));
            }
          } catch (RuntimeException malformed) {
            // a torn or foreign line names no process
          }
        }
        if (live && sameBoot) {
          continue;
        }
        files++;
        if (sameBoot) {
          killed += ProcessTree.kill(children);
        }
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Swept(files, killed);
  }

  private static String bootId() {
    try {
      return Files.readString(BOOT_ID).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
