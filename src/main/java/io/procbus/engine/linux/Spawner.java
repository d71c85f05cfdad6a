package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;

/**
 * Starts children with {@code posix_spawn}: pipes from {@code pipe2(O_CLOEXEC)}, only fds 0–2 reach the
 * child ({@code posix_spawn_file_actions_addclosefrom_np(3)}), an empty signal mask and default signal
 * dispositions in the child, and a pidfd to watch and signal it by.
 *
 * <p>glibc reports an exec failure synchronously as posix_spawn's result, and reaps the failed child
 * itself, so a failure leaves no process and no fd behind.
 */
public final class Spawner {

  /** glibc's internal real-time signals, which its sigfillset and sigaddset refuse. */
  private static final int GLIBC_SIGCANCEL = 32;
  private static final int GLIBC_SIGSETXID = 33;

  private Spawner() {
  }

  /**
   * Starts {@code request}.
   *
   * @throws ProcessException {@link ErrorCode#SPAWN_FAILED} naming the errno
   */
  public static SpawnedChild spawn(SpawnPlan request) {
    int[] parentEnds = {-1, -1, -1};
    int[] childEnds = {-1, -1, -1};
    try (Memory fa = new Memory(LibC.FILE_ACTIONS_SIZE); Memory attr = new Memory(LibC.SPAWNATTR_SIZE);
         Memory mask = new Memory(LibC.SIGSET_SIZE); Memory defaults = new Memory(LibC.SIGSET_SIZE)) {
      check(LibC.C.posix_spawn_file_actions_init(fa), "posix_spawn_file_actions_init");
      check(LibC.C.posix_spawnattr_init(attr), "posix_spawnattr_init");
      try {
        for (int fd = 0; fd < 3; fd++) {
          SpawnPlan.Redirect r = request.stdio().get(fd);
          if (r instanceof SpawnPlan.Pipe) {
            int[] p = new int[2];
            LibC.C.pipe2(p, LibC.O_CLOEXEC);
            int parent = fd == 0 ? p[1] : p[0];
            int child = fd == 0 ? p[0] : p[1];
            parentEnds[fd] = parent;
            childEnds[fd] = child;
            // only the engine's end is non-blocking: the flag is shared through dup2
            LibC.C.fcntl(parent, LibC.F_SETFL, LibC.C.fcntl(parent, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
            check(LibC.C.posix_spawn_file_actions_adddup2(fa, child, fd), "adddup2");
          } else if (r instanceof SpawnPlan.Open open) {
            check(LibC.C.posix_spawn_file_actions_addopen(fa, fd, open.path(), open.flags(), 0666), "addopen");
          } else if (r instanceof SpawnPlan.SameAsStdout) {
            check(LibC.C.posix_spawn_file_actions_adddup2(fa, 1, 2), "adddup2");
          }
        }
        if (request.cwd() != null) {
          check(LibC.C.posix_spawn_file_actions_addchdir_np(fa, request.cwd()), "addchdir_np");
        }
        check(LibC.C.posix_spawn_file_actions_addclosefrom_np(fa, 3), "addclosefrom_np");

        short flags = LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF;
        if (request.newSession()) {
          flags |= LibC.POSIX_SPAWN_SETSID;
        } else if (request.newProcessGroup()) {
          flags |= LibC.POSIX_SPAWN_SETPGROUP;
          check(LibC.C.posix_spawnattr_setpgroup(attr, 0), "setpgroup");
        }
        LibC.C.sigemptyset(mask);
        LibC.C.sigfillset(defaults);
        // glibc's sigfillset leaves out its two internal signals (32, 33); its posix_spawn then sets them to
        // SIG_IGN in the child, which survives exec. Asking for their default disposition too keeps the child's
        // SigIgn empty. Signal n is bit n-1 of the first word on x86_64.
        defaults.setLong(0, defaults.getLong(0) | (1L << (GLIBC_SIGCANCEL - 1)) | (1L << (GLIBC_SIGSETXID - 1)));
        check(LibC.C.posix_spawnattr_setsigmask(attr, mask), "setsigmask");
        check(LibC.C.posix_spawnattr_setsigdefault(attr, defaults), "setsigdefault");
        check(LibC.C.posix_spawnattr_setflags(attr, flags), "setflags");

        int[] pid = new int[1];
        int rc = LibC.C.posix_spawn(pid, request.path(), fa, attr,
          request.argv().toArray(new String[0]), request.envp().toArray(new String[0]));
        if (rc != 0) {
          throw failed(request, rc);
        }
        int pidfd;
        try {
          pidfd = (int) LibC.C.syscall(LibC.SYS_PIDFD_OPEN, pid[0], 0);
        } catch (LastErrorException e) {
          // cannot watch it: do not leave it running unobserved
          LibC.C.kill(pid[0], 9);
          LibC.C.waitpid(pid[0], new int[1], 0); // reap it: killed, so this returns at once
          throw spawnFailed(e.getErrorCode(), "pidfd_open: " + Errno.describe(e.getErrorCode()));
        }
        SpawnedChild child = new SpawnedChild(pid[0], pidfd, parentEnds[0], parentEnds[1], parentEnds[2]);
        parentEnds[0] = parentEnds[1] = parentEnds[2] = -1;
        return child;
      } finally {
        LibC.C.posix_spawn_file_actions_destroy(fa);
        LibC.C.posix_spawnattr_destroy(attr);
        closeAll(childEnds);
        closeAll(parentEnds);
      }
    } catch (LastErrorException e) {
      throw spawnFailed(e.getErrorCode(), "spawn setup: " + Errno.describe(e.getErrorCode()));
    }
  }

  private static final String[] STREAMS = {"stdin", "stdout", "stderr"};

  /**
   * The failure of a spawn that glibc reported as {@code errno}, naming what failed. The errno alone cannot say
   * (ENOENT is a missing program, cwd or stdin file alike), so a path error is looked into in the child's order
   * of work — the redirection files, then the cwd, then the program — as Python's subprocess names the cwd
   * when chdir fails: {@code cwd /srv/nope: ENOENT (No such file or directory)}.
   */
  private static ProcessException failed(SpawnPlan request, int errno) {
    if (errno == Errno.ENOENT || errno == Errno.EACCES || errno == Errno.ENOTDIR || errno == Errno.EISDIR
      || errno == Errno.ELOOP || errno == Errno.ENAMETOOLONG) {
      for (int fd = 0; fd < 3; fd++) {
        if (request.stdio().get(fd) instanceof SpawnPlan.Open open) {
          int e = NativeFiles.openErrno(open.path(), fd != 0);
          if (e != 0) {
            return spawnFailed(e, STREAMS[fd] + " file " + open.path() + ": " + Errno.describe(e));
          }
        }
      }
      if (request.cwd() != null) {
        int e = NativeFiles.directoryErrno(request.cwd());
        if (e != 0) {
          return spawnFailed(e, "cwd " + request.cwd() + ": " + Errno.describe(e));
        }
      }
    }
    return spawnFailed(errno, "program " + request.path() + ": " + Errno.describe(errno));
  }

  private static void check(int rc, String call) {
    if (rc != 0) {
      throw spawnFailed(rc, call + ": " + Errno.describe(rc));
    }
  }

  private static ProcessException spawnFailed(int errno, String message) {
    return new ProcessException(ErrorCode.SPAWN_FAILED, message, errno);
  }

  private static void closeAll(int[] fds) {
    for (int i = 0; i < fds.length; i++) {
      if (fds[i] >= 0) {
        closeQuietly(fds[i]);
        fds[i] = -1;
      }
    }
  }

  /** Closes a raw fd, ignoring errors (used only for fds no {@code FileDescriptor} object owns). */
  static void closeQuietly(int fd) {
    try {
      LibC.C.close(fd);
    } catch (LastErrorException ignored) {
      // already closed: nothing to do
    }
  }
}
