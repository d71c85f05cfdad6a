package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kills what a set of children left running: each child still alive (same pid <em>and</em> start time), its
 * descendants, and every member of a process group or session that one of them leads, found in {@code /proc}.
 *
 * <p>The trees are frozen before they are killed: every process found gets SIGSTOP, {@code /proc} is read again
 * until no new process turns up (a stopped process cannot fork), then each gets SIGKILL. Every signal goes
 * through a pidfd opened after checking the start time, so it never reaches a process that reused a pid.
 */
public final class ProcessTree {

  /** A process as {@code /proc/<pid>/stat} shows it. */
  record Stat(int pid, char state, int ppid, int pgrp, int session, long startTime) {

    /** Exited, not yet reaped: nothing left to signal, but its pid still names its group and session. */
    boolean zombie() {
      return state == 'Z';
    }
  }

  private static final int SIGKILL = 9;
  private static final int SIGSTOP = 19;
  /** Rounds of stop-and-rescan at most: a fork bomb is stopped one generation per round. */
  private static final int MAX_ROUNDS = 64;

  private ProcessTree() {
  }

  /**
   * Loads and links what {@link #kill} uses (JNA's native library, the {@code /proc} readers), so that the
   * kill itself is not delayed by class loading: at a JVM's start this took most of a second on a loaded machine.
   */
  static void warmUp() {
    scan();
    signal((int) ProcessHandle.current().pid(), -2, 0);
  }

  /** The start time of {@code pid} in clock ticks after boot ({@code /proc/<pid>/stat} field 22), or -1 if gone. */
  public static long startTime(int pid) {
    Stat s = stat(pid);
    return s == null ? -1 : s.startTime();
  }

  /** Like {@link #startTime}, but -1 for a zombie too: it exited and only waits for its parent (or PID 1). */
  static long runningStartTime(int pid) {
    Stat s = stat(pid);
    return s == null || s.zombie() ? -1 : s.startTime();
  }

  /**
   * SIGKILLs every child of {@code children} (pid to start time) still running, with its descendants and the
   * members of the groups and sessions it or they lead; returns how many processes got SIGKILL.
   *
   * <p>A child whose pid is gone still names its process group and session: the kernel does not reuse a pid
   * while a group or session of that number has members, so what is left of them is killed too.
   */
  public static int kill(Map<Integer, Long> children) {
    int self = (int) ProcessHandle.current().pid();
    Map<Integer, Long> stopped = new LinkedHashMap<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Map<Integer, Stat> table = scan();
      boolean grew = false;
      for (Stat s : targets(children, table).values()) {
        if (s.pid() > 1 && s.pid() != self && !s.zombie() && !stopped.containsKey(s.pid()) && signal(s.pid(), s.startTime(), SIGSTOP)) {
          stopped.put(s.pid(), s.startTime());
          grew = true;
        }
      }
      if (!grew) {
        break;
      }
    }
    int killed = 0;
    for (Map.Entry<Integer, Long> e : stopped.entrySet()) {
      if (signal(e.getKey(), e.getValue(), SIGKILL)) {
        killed++;
      }
    }
    return killed;
  }

  /** The processes to kill in {@code table}: the live children, closed over descendants, groups and sessions. */
  static Map<Integer, Stat> targets(Map<Integer, Long> children, Map<Integer, Stat> table) {
    Map<Integer, Stat> found = new HashMap<>();
    // the numbers of groups and sessions our processes created: a process leads its group when pgrp == pid
    Set<Integer> leaders = new HashSet<>();
    for (Map.Entry<Integer, Long> c : children.entrySet()) {
      Stat s = table.get(c.getKey());
      if (s == null) {
        leaders.add(c.getKey()); // gone: its group or session, if any is left, is still ours
      } else if (s.startTime() == c.getValue()) {
        found.put(s.pid(), s);
        leaders.add(s.pid());
      }
    }
    Map<Integer, List<Stat>> byParent = new HashMap<>();
    for (Stat s : table.values()) {
      byParent.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Stat s : table.values()) {
        if (!found.containsKey(s.pid()) && (leaders.contains(s.pgrp()) || leaders.contains(s.session()))) {
          found.put(s.pid(), s);
          grew = true;
        }
      }
      ArrayDeque<Stat> todo = new ArrayDeque<>(found.values());
      while (!todo.isEmpty()) {
        Stat p = todo.poll();
        if (p.pgrp() == p.pid() || p.session() == p.pid()) {
          grew |= leaders.add(p.pid());
        }
        for (Stat child : byParent.getOrDefault(p.pid(), List.of())) {
          if (found.putIfAbsent(child.pid(), child) == null) {
            todo.add(child);
            grew = true;
          }
        }
      }
    }
    return found;
  }

  /** Every process in {@code /proc} now. */
  static Map<Integer, Stat> scan() {
    String[] names = new File("/proc").list();
    if (names == null) {
      throw new UncheckedIOException(new IOException("cannot list /proc"));
    }
    Map<Integer, Stat> table = new HashMap<>(names.length * 2);
    byte[] buf = new byte[1024];
    for (String name : names) {
      if (!name.isEmpty() && name.charAt(0) >= '0' && name.charAt(0) <= '9') {
        Stat s = stat(Integer.parseInt(name), buf);
        if (s != null) {
          table.put(s.pid(), s);
        }
      }
    }
    return table;
  }

  /** {@code /proc/<pid>/stat}, or null when the process is gone. */
  static Stat stat(int pid) {
    return stat(pid, new byte[1024]);
  }

  /** Reads and parses {@code /proc/<pid>/stat} with {@code buf}, byte by byte: a scan reads hundreds of them. */
  private static Stat stat(int pid, byte[] buf) {
    int n;
    try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      n = in.readNBytes(buf, 0, buf.length);
    } catch (IOException gone) {
      return null;
    }
    // the command name (field 2) is in parentheses and may hold spaces and parentheses: fields follow the last ')'
    int i = n - 1;
    while (i >= 0 && buf[i] != ')') {
      i--;
    }
    if (i < 0 || i + 4 >= n) {
      return null;
    }
    char state = (char) buf[i + 2];
    long[] fields = new long[20]; // field k of proc(5) at k - 3: ppid 1, pgrp 2, session 3, starttime 19
    int field = 0;
    long value = 0;
    for (int j = i + 4; j < n && field < fields.length - 1; j++) {
      byte c = buf[j];
      if (c == ' ' || c == '\n') {
        fields[++field] = value;
        value = 0;
      } else if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
      } else if (c != '-') {
        return null;
      }
    }
    return new Stat(pid, state, (int) fields[1], (int) fields[2], (int) fields[3], fields[19]);
  }

  /** Sends {@code signum} to {@code pid} if it still has {@code startTime}; whether it was sent. */
  private static boolean signal(int pid, long startTime, int signum) {
    int pidfd;
    try {
      pidfd = (int) LibC.C.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
    } catch (LastErrorException gone) {
      return false;
    }
    try {
      // the pidfd pins the process: checked now, the start time stays true for every signal sent through it
      return startTime(pid) == startTime && Pidfd.sendSignal(pidfd, signum) == 0;
    } finally {
      Spawner.closeQuietly(pidfd);
    }
  }
}
