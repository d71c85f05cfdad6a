package io.procbus.engine.linux;

import io.procbus.api.TerminalSize;
import java.util.List;

/**
 * What {@link Spawner#spawn} starts: a resolved program, its argv and environment, where each of fds 0–2 goes,
 * and optionally the child's identity, umask and extra inherited descriptors.
 *
 * @param path the program's path, as {@code execve} takes it
 * @param argv the argument vector, {@code argv[0]} included
 * @param envp the whole environment, as {@code NAME=value} strings
 * @param cwd the working directory, or {@code null}
 * @param stdio three redirections, for fds 0, 1 and 2
 * @param newProcessGroup whether the child leads a new process group
 * @param newSession whether the child leads a new session
 * @param identity the user, group and groups to run as, or {@code null} for the service's
 * @param umask the child's umask, or {@code -1} for the service's
 * @param passFds descriptors above 2 the child keeps at the same numbers, ascending and distinct
 * @param terminal the window size of the pseudo-terminal the child runs on (every fd a {@link Terminal}, and the
 *     child leads a new session), or {@code null} for none
 */
public record SpawnPlan(String path, List<String> argv, List<String> envp, String cwd, List<Redirect> stdio,
                           boolean newProcessGroup, boolean newSession, Identity identity, int umask,
                           int[] passFds, TerminalSize terminal) {

  /** A plan with the service's identity and umask, no descriptor above 2 and no terminal. */
  public SpawnPlan(String path, List<String> argv, List<String> envp, String cwd, List<Redirect> stdio,
                   boolean newProcessGroup, boolean newSession) {
    this(path, argv, envp, cwd, stdio, newProcessGroup, newSession, null, -1, NO_FDS, null);
  }

  private static final int[] NO_FDS = {};

  /**
   * Ids a child runs with, each {@code -1} (or {@code null}) to keep the service's.
   *
   * @param uid the real, effective and saved user id
   * @param gid the real, effective and saved group id
   * @param groups the supplementary groups, or {@code null}
   */
  public record Identity(int uid, int gid, int[] groups) {
  }

  /** Where one fd goes. */
  public sealed interface Redirect permits Pipe, Inherit, Open, SameAsStdout, Terminal {
  }

  /** The slave side of the plan's pseudo-terminal; the engine keeps the master. */
  public record Terminal() implements Redirect {
  }

  /** A new pipe; the engine keeps the other end (non-blocking, close-on-exec). */
  public record Pipe() implements Redirect {
  }

  /** The service's own fd. */
  public record Inherit() implements Redirect {
  }

  /** A file opened in the child with {@code flags} (and mode 0666 less umask when created). */
  public record Open(String path, int flags) implements Redirect {
  }

  /** fd 2 only: a copy of fd 1. */
  public record SameAsStdout() implements Redirect {
  }

  /** Opens {@code /dev/null} for reading ({@code fd 0}) or writing. */
  public static Redirect devNull(int fd) {
    return new Open("/dev/null", fd == 0 ? LibC.O_RDONLY : LibC.O_WRONLY);
  }

  /** Opens a file for stdin. */
  public static Redirect readFile(String path) {
    return new Open(path, LibC.O_RDONLY);
  }

  /** Opens a file for stdout or stderr, created if missing, then truncated or appended to. */
  public static Redirect writeFile(String path, boolean append) {
    return new Open(path, LibC.O_WRONLY | LibC.O_CREAT | (append ? LibC.O_APPEND : LibC.O_TRUNC));
  }
}
