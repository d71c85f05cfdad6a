package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessException;
import io.procbus.api.ResourceUsage;

/**
 * Reaping and signalling through a pidfd: a signal reaches the child it was opened for or fails with
 * {@code ESRCH}, never a process that reused the pid.
 */
public final class Pidfd {

  private Pidfd() {
  }

  /**
   * Reaps the child if it has exited: its status with its resource usage, or {@code null} while it runs. The
   * raw {@code waitid} system call fills a {@code struct rusage} as it reaps, so measuring costs no extra call.
   *
   * @throws ProcessException {@link ErrorCode#PROCESS_LOOKUP} when the status is gone: something else in
   *     this process reaped the child ({@code ECHILD})
   */
  public static ExitStatus reap(int pidfd) {
    try (Memory info = new Memory(LibC.SIGINFO_SIZE + LibC.RUSAGE_SIZE)) {
      info.clear();
      Pointer rusage = info.share(LibC.SIGINFO_SIZE);
      try {
        LibC.C.syscall(LibC.SYS_WAITID, LibC.P_PIDFD, pidfd, info, LibC.WEXITED | LibC.WNOHANG, rusage);
      } catch (LastErrorException e) {
        throw new ProcessException(ErrorCode.PROCESS_LOOKUP, "waitid: " + Errno.describe(e.getErrorCode())
          + ": another reaper took the exit status", e.getErrorCode());
      }
      if (info.getInt(LibC.SI_PID) == 0) {
        return null;
      }
      int code = info.getInt(LibC.SI_CODE);
      int status = info.getInt(LibC.SI_STATUS);
      ExitStatus outcome = code == LibC.CLD_EXITED ? ExitStatus.exited(status)
        : ExitStatus.killed(status, code == LibC.CLD_DUMPED);
      return outcome.withUsage(new ResourceUsage(micros(rusage, LibC.RU_UTIME), micros(rusage, LibC.RU_STIME),
        rusage.getLong(LibC.RU_MAXRSS)));
    }
  }

  private static long micros(Pointer rusage, int timeval) {
    return rusage.getLong(timeval) * 1_000_000L + rusage.getLong(timeval + 8);
  }

  /**
   * Waits for the child to exit and reaps it; for error paths only, right after a SIGKILL.
   */
  public static void reapBlocking(int pidfd) {
    try (Memory info = new Memory(LibC.SIGINFO_SIZE)) {
      LibC.C.waitid(LibC.P_PIDFD, pidfd, info, LibC.WEXITED);
    } catch (LastErrorException e) {
      // already reaped: nothing left to wait for
    }
  }

  /** Sends {@code signum}; returns 0 or the errno ({@code ESRCH} when the child is gone). */
  public static int sendSignal(int pidfd, int signum) {
    try {
      LibC.C.syscall(LibC.SYS_PIDFD_SEND_SIGNAL, pidfd, signum, null, 0);
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }

  /** Sends {@code signum} to process group {@code pgid}; returns 0 or the errno. */
  public static int sendGroupSignal(int pgid, int signum) {
    try {
      LibC.C.kill(-pgid, signum);
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }

  private static final boolean SUPPORTED = probe();

  /** Whether this kernel has {@code pidfd_open} (Linux 5.3+; {@code waitid(P_PIDFD)} needs 5.4+). */
  public static boolean supported() {
    return SUPPORTED;
  }

  private static boolean probe() {
    try {
      int fd = (int) LibC.C.syscall(LibC.SYS_PIDFD_OPEN, (int) ProcessHandle.current().pid(), 0);
      Spawner.closeQuietly(fd);
      return true;
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      return false;
    }
  }
}
