package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Map;

/**
 * The glibc calls the Linux backend makes (x86_64). Only this package uses it.
 *
 * <p>Every {@code String} (and {@code String[]}) crosses as UTF-8, whatever the JVM's locale: JNA's default is
 * the platform charset, which under {@code LC_ALL=C} turned each non-ASCII character of an argv, environment,
 * cwd or redirection path into {@code ?} (issue 10). asyncio sends UTF-8 here too ({@code os.fsencode}).
 *
 * <p>Functions that report through {@code errno} throw {@link LastErrorException}; the
 * {@code posix_spawn*} family returns the error number instead. The spawn path's calls are in {@link Posix},
 * bound by direct mapping.
 */
interface LibC extends Library {

  LibC C = Native.load("c", LibC.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

  int O_RDONLY = 0;
  int O_WRONLY = 01;
  int O_CREAT = 0100;
  int O_TRUNC = 01000;
  int O_APPEND = 02000;
  int O_NONBLOCK = 04000;
  int O_CLOEXEC = 02000000;
  int O_DIRECTORY = 0200000;
  int O_PATH = 010000000;
  int F_OK = 0;
  int X_OK = 1;
  int W_OK = 2;
  int R_OK = 4;
  int F_GETFL = 3;
  int F_SETFL = 4;
  int F_DUPFD_CLOEXEC = 1030;
  int O_RDWR = 02;
  int O_NOCTTY = 0400;
  /** {@code ioctl} request: set a terminal's window size ({@code struct winsize}: rows, cols, xpixel, ypixel). */
  long TIOCSWINSZ = 0x5414;

  short POSIX_SPAWN_SETPGROUP = 0x02;
  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;
  short POSIX_SPAWN_SETSID = 0x80;

  long SYS_PIDFD_SEND_SIGNAL = 424;
  long SYS_PIDFD_OPEN = 434;
  /** The raw {@code waitid}, whose fifth argument (a {@code struct rusage}) glibc's wrapper does not pass. */
  long SYS_WAITID = "aarch64".equals(System.getProperty("os.arch")) ? 95 : 247;
  int P_PIDFD = 3;
  int WEXITED = 4;
  int WNOHANG = 1;

  /** Sizes on x86_64 glibc, rounded up. */
  int FILE_ACTIONS_SIZE = 128;
  int SPAWNATTR_SIZE = 512;
  int SIGSET_SIZE = 128;
  int SIGINFO_SIZE = 128;
  /** siginfo_t offsets on x86_64. */
  int SI_CODE = 8;
  int SI_PID = 16;
  int SI_STATUS = 24;
  /** struct rusage on 64-bit Linux: two timevals, then ru_maxrss (KiB), then 13 more longs. */
  int RUSAGE_SIZE = 144;
  int RU_UTIME = 0;
  int RU_STIME = 16;
  int RU_MAXRSS = 32;
  int CLD_EXITED = 1;
  int CLD_KILLED = 2;
  int CLD_DUMPED = 3;

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

  int sigemptyset(Pointer set) throws LastErrorException;

  int sigfillset(Pointer set) throws LastErrorException;

  int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int posix_openpt(int flags) throws LastErrorException;

  int grantpt(int fd) throws LastErrorException;

  int unlockpt(int fd) throws LastErrorException;

  /** Returns the error number (0 on success), as the {@code posix_spawn} family. */
  int ptsname_r(int fd, byte[] buf, long size);

  int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

  long syscall(long number, int a, int b) throws LastErrorException;

  long syscall(long number, int a, int b, Pointer c, int d) throws LastErrorException;


  int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

  int kill(int pid, int sig) throws LastErrorException;

  int waitpid(int pid, int[] status, int options) throws LastErrorException;

  String strerror(int errnum);

  int access(String path, int mode) throws LastErrorException;

  int open(String path, int flags) throws LastErrorException;

  /**
   * With {@code resolved} null, the result is malloc'd: {@link #free} it. Null on failure; no
   * {@code LastErrorException}: a successful realpath leaves errno set (EINVAL from its readlink calls).
   */
  Pointer realpath(String path, Pointer resolved);

  void free(Pointer p);
}
