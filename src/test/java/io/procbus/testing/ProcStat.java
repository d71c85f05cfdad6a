package io.procbus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One line of {@code /proc/<pid>/stat}: what the kernel says of a process on this machine, whichever JVM is its
 * parent.
 *
 * @param pid the process
 * @param comm its command name
 * @param state {@code R}, {@code S}, {@code T}, {@code Z} (zombie: exited, not yet reaped by its parent), …
 * @param ppid its parent
 * @param pgrp its process group
 * @param session its session
 */
public record ProcStat(int pid, String comm, char state, int ppid, int pgrp, int session) {

  /** {@code /proc/<pid>/stat}, or {@code null} when there is no such process (or it vanished while read). */
  public static ProcStat of(long pid) {
    String line;
    try {
      line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException gone) {
      return null;
    }
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    String[] rest = line.substring(close + 2).trim().split(" ");
    return new ProcStat((int) pid, line.substring(open + 1, close), rest[0].charAt(0), Integer.parseInt(rest[1]),
      Integer.parseInt(rest[2]), Integer.parseInt(rest[3]));
  }

  /** Whether it exited and its parent has not reaped it yet. */
  public boolean zombie() {
    return state == 'Z';
  }
}
