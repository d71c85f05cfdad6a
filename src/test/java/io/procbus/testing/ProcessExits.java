package io.procbus.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits for processes that are not this JVM's children to exit, on their pidfds ({@code poll}: readable once the
 * process exited), never on a duration.
 *
 * <p>Not {@code ProcessHandle.onExit()}: for a process that is not its child the JDK checks every 300 ms or more,
 * and it counts a zombie as alive — and an orphan is a zombie until its new parent reaps it (on some machines
 * PID 1 reaps late). A pidfd pins the process it was opened for, so a reused pid cannot fool the wait.
 */
public final class ProcessExits implements AutoCloseable {

  private interface C extends Library {
    C LIB = Native.load("c", C.class);

    long syscall(long number, int pid, int flags) throws LastErrorException;

    int poll(Pointer fds, int nfds, int timeoutMillis) throws LastErrorException;

    int close(int fd);
  }

  private static final long SYS_PIDFD_OPEN = 434;
  private static final short POLLIN = 1;

  /** Name to pidfd; -1 for a process already gone when watched. */
  private final Map<String, Integer> pidfds = new LinkedHashMap<>();
  private final Map<String, Long> pids;

  private ProcessExits(Map<String, Long> pids) {
    this.pids = pids;
    pids.forEach((name, pid) -> {
      int fd;
      try {
        fd = (int) C.LIB.syscall(SYS_PIDFD_OPEN, pid.intValue(), 0);
      } catch (LastErrorException gone) {
        fd = -1;
      }
      pidfds.put(name, fd);
    });
  }

  /** Starts watching {@code pids} (name to pid) now: call it while they run. */
  public static ProcessExits watch(Map<String, Long> pids) {
    return new ProcessExits(pids);
  }

  /** Waits until every watched process exited or {@code timeout} passed; returns those still running. */
  public List<String> await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> running = new ArrayList<>();
    pidfds.forEach((name, fd) -> {
      if (fd >= 0) {
        running.add(name);
      }
    });
    while (!running.isEmpty()) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      try (Memory fds = new Memory(8L * running.size())) {
        for (int i = 0; i < running.size(); i++) {
          fds.setInt(8L * i, pidfds.get(running.get(i)));
          fds.setShort(8L * i + 4, POLLIN);
          fds.setShort(8L * i + 6, (short) 0);
        }
        C.LIB.poll(fds, running.size(), (int) left);
        List<String> still = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
          if (fds.getShort(8L * i + 6) == 0) {
            still.add(running.get(i));
          }
        }
        running.clear();
        running.addAll(still);
      }
    }
    List<String> named = new ArrayList<>();
    running.forEach(name -> named.add(name + " (pid " + pids.get(name) + ")"));
    return named;
  }

  @Override
  public void close() {
    pidfds.values().forEach(fd -> {
      if (fd >= 0) {
        C.LIB.close(fd);
      }
    });
  }
}
