package io.procbus.engine.linux;

import io.procbus.api.TerminalSize;
import java.util.List;

/**
 * What {@link Spawner#spawn} starts: a resolved program, its argv and environment, and where each of
 * fds 0–2 goes.
 *
 * @param path the program's path, as {@code execve} takes it
 * @param argv the argument vector, {@code argv[0]} included
 * @param envp the whole environment, as {@code NAME=value} strings
 * @param cwd the working directory, or {@code null}
 * @param stdio three redirections, for fds 0, 1 and 2
 * @param newProcessGroup whether the child leads a new process group
 * @param newSession whether the child leads a new session
 * @param terminal the window size of the pseudo-terminal the child runs on (every fd a {@link Terminal}, and the
 *     child leads a new session), or {@code null} for none
 */
public record SpawnPlan(String path, List<String> argv, List<String> envp, String cwd, List<Redirect> stdio,
                           boolean newProcessGroup, boolean newSession, TerminalSize terminal) {

  /** A plan without a terminal. */
  public SpawnPlan(String path, List<String> argv, List<String> envp, String cwd, List<Redirect> stdio,
                   boolean newProcessGroup, boolean newSession) {
    this(path, argv, envp, cwd, stdio, newProcessGroup, newSession, null);
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
