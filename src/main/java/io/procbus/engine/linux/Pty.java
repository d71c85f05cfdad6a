package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import java.nio.charset.StandardCharsets;

/**
 * A pseudo-terminal's master side, for a terminal child: opened with {@code posix_openpt(O_RDWR | O_NOCTTY |
 * O_CLOEXEC)}, granted, unlocked, sized and made non-blocking. The parent never opens the slave: the child opens
 * it by {@link #slavePath()} after {@code setsid}, which makes it the child's controlling terminal.
 *
 * <p>Once every slave fd is closed, reading the master fails with {@code EIO} (not EOF): its readers take that
 * for the end.
 */
public final class Pty {

  private final int master;
  private final String slavePath;

  private Pty(int master, String slavePath) {
    this.master = master;
    this.slavePath = slavePath;
  }

  /**
   * A new pseudo-terminal of {@code cols} × {@code rows}.
   *
   * @throws ProcessException {@link ErrorCode#SPAWN_FAILED} naming the call and errno
   */
  static Pty open(int cols, int rows) {
    int master;
    try {
      master = LibC.C.posix_openpt(LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw failed("posix_openpt", e.getErrorCode());
    }
    try {
      LibC.C.grantpt(master);
      LibC.C.unlockpt(master);
      byte[] name = new byte[128];
      int rc = LibC.C.ptsname_r(master, name, name.length);
      if (rc != 0) {
        throw failed("ptsname_r", rc);
      }
      int len = 0;
      while (name[len] != 0) {
        len++;
      }
      int errno = resize(master, cols, rows);
      if (errno != 0) {
        throw failed("TIOCSWINSZ", errno);
      }
      LibC.C.fcntl(master, LibC.F_SETFL, LibC.O_NONBLOCK);
      return new Pty(master, new String(name, 0, len, StandardCharsets.UTF_8));
    } catch (LastErrorException e) {
      Spawner.closeQuietly(master);
      throw failed("pseudo-terminal setup", e.getErrorCode());
    } catch (RuntimeException e) {
      Spawner.closeQuietly(master);
      throw e;
    }
  }

  /** The master's fd, non-blocking and close-on-exec; the caller owns it once the spawn succeeded. */
  int master() {
    return master;
  }

  /** The slave's path, {@code /dev/pts/N}. */
  String slavePath() {
    return slavePath;
  }

  /**
   * Sets the window size of the terminal whose master (or a dup of it) is {@code fd}; the kernel sends SIGWINCH to
   * its foreground process group when the size changes. Returns 0, or the errno.
   */
  public static int resize(int fd, int cols, int rows) {
    try {
      LibC.C.ioctl(fd, LibC.TIOCSWINSZ, new short[] {(short) rows, (short) cols, 0, 0});
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }

  /** A close-on-exec duplicate of {@code fd}. */
  static int dup(int fd) {
    try {
      return LibC.C.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw failed("dup of the terminal", e.getErrorCode());
    }
  }

  private static ProcessException failed(String call, int errno) {
    return new ProcessException(ErrorCode.SPAWN_FAILED, call + ": " + Errno.describe(errno), errno);
  }
}
