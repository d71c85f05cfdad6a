package io.procbus.engine;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.api.StdioMode;
import io.procbus.engine.linux.Errno;
import io.procbus.engine.linux.SpawnPlan;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private CommandLine() {
  }

  /**
   * A spawn request for {@code argv} with {@code options}; unset streams default to {@code defaultMode}.
   *
   * @throws ProcessException {@link ErrorCode#INVALID_ARGUMENT} for bad input,
   *     {@link ErrorCode#SPAWN_FAILED} when the program is not found or not executable
   */
  static SpawnPlan build(List<String> argv, ProcessOptions options, StdioMode defaultMode) {
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
    Map<String, String> env = environment(options);
    List<SpawnPlan.Redirect> stdio = List.of(
      redirect(0, options.getStdin(), defaultMode),
      redirect(1, options.getStdout(), defaultMode),
      redirect(2, options.getStderr(), defaultMode));
    List<String> envp = new ArrayList<>(env.size());
    env.forEach((k, v) -> envp.add(k + "=" + v));
    String path = resolve(argv.get(0), env.getOrDefault("PATH", DEFAULT_PATH));
    return new SpawnPlan(path, List.copyOf(argv), envp, options.getCwd(), stdio, options.isNewProcessGroup(),
      options.isNewSession());
  }

  private static Map<String, String> environment(ProcessOptions options) {
    Map<String, String> env = options.isInheritEnv() ? new LinkedHashMap<>(System.getenv()) : new LinkedHashMap<>();
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

  /** {@code program} itself if it has a {@code /}, else the first executable file of that name on {@code path}. */
  static String resolve(String program, String path) {
    if (program.indexOf('/') >= 0) {
      return program;
    }
    boolean sawDenied = false;
    for (String dir : path.split(":", -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate)) {
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
        sawDenied = true;
      }
    }
    int errno = sawDenied ? Errno.EACCES : Errno.ENOENT;
    throw new ProcessException(ErrorCode.SPAWN_FAILED, program + ": " + Errno.describe(errno) + " on PATH " + path,
      errno);
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
