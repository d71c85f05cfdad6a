package io.procbus.engine;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.api.StdioMode;
import io.procbus.api.TerminalSize;
import io.procbus.engine.linux.Errno;
import io.procbus.engine.linux.NativeFiles;
import io.procbus.engine.linux.SpawnPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an argv and {@link ProcessOptions} into a checked {@link SpawnPlan}: arguments validated,
 * the program found on the child's {@code PATH} (as {@code execvpe} would), the environment built.
 */
final class CommandLine {

  /** glibc's {@code _CS_PATH}: the search path when the environment has no {@code PATH}. */
  static final String DEFAULT_PATH = "/bin:/usr/bin";
  /** Linux's limit on argv plus environment with the default 8 MiB stack (a quarter of it). */
  static final int ARG_MAX = 2 * 1024 * 1024;
  /** Linux's limit on one argument or environment string (32 pages). */
  static final int MAX_ARG_STRLEN = 32 * 4096;
  private static final List<SpawnPlan.Redirect> TERMINAL = List.of(new SpawnPlan.Terminal(), new SpawnPlan.Terminal(),
    new SpawnPlan.Terminal());

  private CommandLine() {
  }

  /**
   * A spawn request for {@code argv} with {@code options}, run as {@code identity} ({@code null}: the service's);
   * unset streams default to {@code defaultMode}.
   *
   * @throws ProcessException {@link ErrorCode#INVALID_ARGUMENT} for bad input,
   *     {@link ErrorCode#SPAWN_FAILED} when the program is not found or not executable
   */
  static SpawnPlan build(List<String> argv, ProcessOptions options, StdioMode defaultMode,
                         SpawnPlan.Identity identity) {
    if (argv == null || argv.isEmpty()) {
      throw invalid("argv must name a program");
    }
    if (options == null) {
      throw invalid("options must not be null");
    }
    for (String arg : argv) {
      checkText(arg, "argument");
    }
    if (argv.get(0).isEmpty()) {
      throw invalid("the program name must not be empty");
    }
    if (options.getLimit() <= 0) {
      throw invalid("limit must be positive, got " + options.getLimit());
    }
    if (options.getCwd() != null) {
      checkText(options.getCwd(), "cwd");
    }
    TerminalSize terminal = terminal(options);
    Map<String, String> env = environment(options);
    if (terminal != null && !options.getEnv().containsKey("TERM")) {
      env.put("TERM", TerminalSize.DEFAULT_TERM); // the service's own TERM describes its terminal, not this one
    }
    List<SpawnPlan.Redirect> stdio = terminal != null ? TERMINAL : List.of(
      redirect(0, options.getStdin(), defaultMode),
      redirect(1, options.getStdout(), defaultMode),
      redirect(2, options.getStderr(), defaultMode));
    List<String> envp = new ArrayList<>(env.size());
    env.forEach((k, v) -> envp.add(k + "=" + v));
    checkSize(argv, envp);
    String path = resolve(argv.get(0), env.getOrDefault("PATH", DEFAULT_PATH));
    return new SpawnPlan(path, List.copyOf(argv), envp, options.getCwd(), stdio, options.isNewProcessGroup(),
      options.isNewSession(), identity, umask(options.getUmask()), passFds(options.passFds()), terminal);
  }

  private static int umask(int umask) {
    if (umask != ProcessOptions.DEFAULT_UMASK && (umask < 0 || umask > 0777)) {
      throw invalid("umask must be 0 to 0777 (511), or -1 for the service's; got " + umask);
    }
    return umask;
  }

  /** The fds to keep, ascending; each above 2 (0–2 are the redirections') and given once. */
  private static int[] passFds(List<Integer> fds) {
    int[] sorted = fds.stream().mapToInt(Integer::intValue).sorted().toArray();
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 3) {
        throw invalid("passFds: fd " + sorted[i] + " is not above 2 (fds 0 to 2 are stdin, stdout and stderr)");
      }
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw invalid("passFds: fd " + sorted[i] + " is given twice");
      }
    }
    return sorted;
  }

  /** The checked terminal size of {@code options}, or {@code null}: with one, no stream may be set. */
  private static TerminalSize terminal(ProcessOptions options) {
    TerminalSize t = options.getTerminal();
    if (t == null) {
      return null;
    }
    String problem = TerminalSize.problem(t.getCols(), t.getRows());
    if (problem != null) {
      throw invalid(problem);
    }
    String[] names = {"stdin", "stdout", "stderr"};
    Stdio[] set = {options.getStdin(), options.getStdout(), options.getStderr()};
    for (int fd = 0; fd < 3; fd++) {
      if (set[fd] != null) {
        throw invalid("terminal and " + names[fd] + " conflict: a terminal child's stdin, stdout and stderr are "
          + "its terminal (leave " + names[fd] + " unset)");
      }
    }
    return new TerminalSize(t);
  }

  private static Map<String, String> environment(ProcessOptions options) {
    Map<String, String> env = options.isInheritEnv() ? new LinkedHashMap<>(ServiceEnvironment.get())
      : new LinkedHashMap<>();
    options.getEnv().forEach((name, value) -> {
      checkText(name, "environment name");
      checkText(value, "environment value of " + name);
      if (name.isEmpty() || name.indexOf('=') >= 0) {
        throw invalid("bad environment variable name: '" + name + "'");
      }
      env.put(name, value);
    });
    return env;
  }

  private static SpawnPlan.Redirect redirect(int fd, Stdio stdio, StdioMode defaultMode) {
    StdioMode mode = stdio == null || stdio.getMode() == null ? defaultMode : stdio.getMode();
    String name = new String[] {"stdin", "stdout", "stderr"}[fd];
    return switch (mode) {
      case PIPE -> new SpawnPlan.Pipe();
      case INHERIT -> new SpawnPlan.Inherit();
      case DEVNULL -> SpawnPlan.devNull(fd);
      case FILE -> {
        if (stdio.getPath() == null || stdio.getPath().isEmpty()) {
          throw invalid(name + " is FILE but has no path");
        }
        checkText(stdio.getPath(), name + " path");
        yield fd == 0 ? SpawnPlan.readFile(stdio.getPath()) : SpawnPlan.writeFile(stdio.getPath(), stdio.isAppend());
      }
      case STDOUT -> {
        if (fd != 2) {
          throw invalid("only stderr can be STDOUT");
        }
        yield new SpawnPlan.SameAsStdout();
      }
    };
  }

  /**
   * {@code program} itself if it has a {@code /}, else the first executable file of that name on {@code path}.
   * Checked on the UTF-8 bytes of the names ({@link NativeFiles}), as the spawn will pass them.
   */
  static String resolve(String program, String path) {
    if (program.indexOf('/') >= 0) {
      return program;
    }
    boolean sawDenied = false;
    for (String dir : path.split(":", -1)) {
      String candidate = (dir.isEmpty() ? "." : dir) + "/" + program;
      if (NativeFiles.isExecutableFile(candidate)) {
        return candidate;
      }
      sawDenied |= NativeFiles.isFile(candidate);
    }
    int errno = sawDenied ? Errno.EACCES : Errno.ENOENT;
    throw new ProcessException(ErrorCode.SPAWN_FAILED, "program " + program + ": " + Errno.describe(errno)
      + " on PATH " + path, errno);
  }

  /**
   * Refuses what execve would refuse with E2BIG, before anything is marshalled for the spawn (a quarter of a
   * million arguments would otherwise hold the event loop for seconds): one string over
   * {@value #MAX_ARG_STRLEN} bytes, or argv and the environment together over {@value #ARG_MAX} bytes. The
   * bytes counted are the UTF-8 ones the spawn passes (a char is 1 to 3 of them), whatever the JVM's locale.
   */
  private static void checkSize(List<String> argv, List<String> envp) {
    long total = 0;
    for (List<String> strings : List.of(argv, envp)) {
      for (String s : strings) {
        long bytes = NativeFiles.utf8Length(s);
        if (bytes >= MAX_ARG_STRLEN) {
          throw tooBig("an argument or environment entry of " + bytes + " bytes exceeds " + MAX_ARG_STRLEN);
        }
        total += bytes + 1 + Long.BYTES; // the string, its NUL and its pointer
        if (total > ARG_MAX) {
          throw tooBig("argv and environment exceed " + ARG_MAX + " bytes");
        }
      }
    }
  }

  private static ProcessException tooBig(String message) {
    return new ProcessException(ErrorCode.SPAWN_FAILED, Errno.describe(Errno.E2BIG) + ": " + message, Errno.E2BIG);
  }

  private static void checkText(String s, String what) {
    if (s == null) {
      throw invalid(what + " must not be null");
    }
    if (s.indexOf('\0') >= 0) {
      throw invalid(what + " must not contain a NUL character");
    }
  }

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
