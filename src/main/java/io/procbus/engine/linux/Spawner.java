package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.TerminalSize;
import java.util.Arrays;
import java.util.List;

/**
 * Starts children with {@code posix_spawn}: pipes from {@code pipe2(O_CLOEXEC)}, only fds 0–2 and the plan's
 * {@code passFds} reach the child (every other fd is closed in the child), an empty signal mask and default
 * signal dispositions in the child, and a pidfd to watch and signal it by. A plan's identity and umask are the
 * spawning thread's for the length of the call ({@link SpawnIdentity}). A terminal child
 * ({@link SpawnPlan#terminal()}) leads a new session whose controlling terminal is a new {@link Pty}, as its
 * fds 0–2.
 *
 * <p>glibc reports an exec failure synchronously as posix_spawn's result, and reaps the failed child
 * itself, so a failure leaves no process and no fd behind.
 */
public final class Spawner {

  private Spawner() {
  }

  /**
   * Starts {@code request}.
   *
   * @throws ProcessException {@link ErrorCode#SPAWN_FAILED} naming the errno
   */
  public static SpawnedChild spawn(SpawnPlan request) {
    for (int fd : request.passFds()) {
      try {
        // before the pipes and the terminal: a closed number must not pass one of them on
        Posix.fcntl(fd, LibC.F_GETFD, 0);
      } catch (LastErrorException e) {
        throw spawnFailed(e.getErrorCode(), "passFds: fd " + fd + ": " + Errno.describe(e.getErrorCode()));
      }
    }
    TerminalSize size = request.terminal();
    Pty pty = size == null ? null
      : Pty.open(size.getCols(), size.getRows(), request.identity() == null ? -1 : request.identity().uid());
    int[] parentEnds = {-1, -1, -1, pty == null ? -1 : pty.master()};
    try {
      return spawn(request, pty, parentEnds);
    } finally {
      closeAll(parentEnds);
    }
  }

  /** Starts {@code request}, on {@code pty} when not null; what is left in {@code parentEnds} is closed. */
  private static SpawnedChild spawn(SpawnPlan request, Pty pty, int[] parentEnds) {
    SpawnArena arena = SpawnArena.current();
    // the strings first, in one block: its address is known once it is copied to native memory
    List<String> argv = request.argv();
    List<String> envp = request.envp();
    arena.begin(argv.size() + envp.size() + 2);
    int envSlot = arena.vector(0, argv);
    arena.vector(envSlot, envp);
    int path = arena.string(request.path());
    int[] openPaths = new int[3];
    for (int fd = 0; fd < 3; fd++) {
      if (request.stdio().get(fd) instanceof SpawnPlan.Open open) {
        openPaths[fd] = arena.string(open.path());
      }
    }
    int slave = pty == null ? -1 : arena.string(pty.slavePath());
    int cwd = request.cwd() == null ? -1 : arena.string(request.cwd());
    long block = arena.commit();
    long fa = Pointer.nativeValue(arena.fileActions);
    long ints = Pointer.nativeValue(arena.ints);
    int[] childEnds = {-1, -1, -1};
    check(Posix.posix_spawn_file_actions_init(fa), "posix_spawn_file_actions_init");
    try {
      if (pty != null) {
        // the child runs setsid before the file actions, so opening the slave without O_NOCTTY makes it the
        // child's controlling terminal
        parentEnds[0] = Pty.dup(pty.master());
        parentEnds[1] = Pty.dup(pty.master());
        check(Posix.posix_spawn_file_actions_addopen(fa, 0, block + slave, LibC.O_RDWR, 0), "addopen");
        check(Posix.posix_spawn_file_actions_adddup2(fa, 0, 1), "adddup2");
        check(Posix.posix_spawn_file_actions_adddup2(fa, 0, 2), "adddup2");
      }
      for (int fd = 0; fd < 3 && pty == null; fd++) {
        SpawnPlan.Redirect r = request.stdio().get(fd);
        if (r instanceof SpawnPlan.Pipe) {
          Posix.pipe2(ints, LibC.O_CLOEXEC);
          int parent = arena.ints.getInt(fd == 0 ? 4 : 0);
          int child = arena.ints.getInt(fd == 0 ? 0 : 4);
          parentEnds[fd] = parent;
          childEnds[fd] = child;
          // only the engine's end is non-blocking: the flag is shared through dup2. Fresh from pipe2, the
          // file's only status flag is its access mode, which F_SETFL ignores: no F_GETFL needed.
          Posix.fcntl(parent, LibC.F_SETFL, LibC.O_NONBLOCK);
          check(Posix.posix_spawn_file_actions_adddup2(fa, child, fd), "adddup2");
        } else if (r instanceof SpawnPlan.Open open) {
          check(Posix.posix_spawn_file_actions_addopen(fa, fd, block + openPaths[fd], open.flags(), 0666),
            "addopen");
        } else if (r instanceof SpawnPlan.SameAsStdout) {
          check(Posix.posix_spawn_file_actions_adddup2(fa, 1, 2), "adddup2");
        }
      }
      if (cwd >= 0) {
        check(Posix.posix_spawn_file_actions_addchdir_np(fa, block + cwd), "addchdir_np");
      }
      check(Posix.posix_spawn_file_actions_addclosefrom_np(fa, keep(fa, request.passFds())), "addclosefrom_np");

      long attr = arena.attr(request.newSession() || pty != null, request.newProcessGroup());
      SpawnIdentity switched = request.identity() != null || request.umask() >= 0 ? SpawnIdentity.enter(request)
        : null;
      ProcessException failure = null;
      try {
        int rc = Posix.posix_spawn(ints, block + path, fa, attr, block, block + envSlot * 8L);
        if (rc != 0) {
          failure = failed(request, rc); // still as the child's user: what it could not open or run
        }
      } finally {
        if (switched != null) {
          switched.leave();
        }
      }
      if (failure != null) {
        throw failure;
      }
      int pid = arena.ints.getInt(0);
      int pidfd;
      try {
        pidfd = (int) Posix.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
      } catch (LastErrorException e) {
        // cannot watch it: do not leave it running unobserved
        LibC.C.kill(pid, 9);
        LibC.C.waitpid(pid, new int[1], 0); // reap it: killed, so this returns at once
        throw spawnFailed(e.getErrorCode(), "pidfd_open: " + Errno.describe(e.getErrorCode()));
      }
      SpawnedChild child = new SpawnedChild(pid, pidfd, parentEnds[0], parentEnds[1], parentEnds[2], parentEnds[3]);
      Arrays.fill(parentEnds, -1);
      return child;
    } catch (LastErrorException e) {
      throw spawnFailed(e.getErrorCode(), "spawn setup: " + Errno.describe(e.getErrorCode()));
    } finally {
      Posix.posix_spawn_file_actions_destroy(fa);
      closeAll(childEnds);
      closeAll(parentEnds);
    }
  }

  /**
   * Adds the actions that keep {@code passFds} (ascending, above 2) open in the child at the same numbers and
   * close every other fd from 3 up to the highest of them; the first fd the final {@code closefrom} closes. glibc
   * (2.29+) clears {@code FD_CLOEXEC} on a {@code dup2} of an fd onto itself; the gaps are closed one by one (a
   * closed number costs the child one failed {@code close}).
   */
  private static int keep(long fa, int[] passFds) {
    int from = 3;
    for (int fd : passFds) {
      for (int gap = from; gap < fd; gap++) {
        check(Posix.posix_spawn_file_actions_addclose(fa, gap), "addclose");
      }
      check(Posix.posix_spawn_file_actions_adddup2(fa, fd, fd), "adddup2");
      from = fd + 1;
    }
    return from;
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

  static void check(int rc, String call) {
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
