package io.procbus.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a node and the CLI on one machine keep their local state: {@code $PROCBUS_STATE_DIR}, else
 * {@code ${XDG_STATE_HOME:-$HOME/.local/state}/procbus}. The first-start token file is {@link #TOKEN_FILE} in it.
 */
public final class StateDirectory {

  /** The variable naming the state directory. */
  public static final String ENV = "PROCBUS_STATE_DIR";
  /** The name of the first-start token file in the state directory. */
  public static final String TOKEN_FILE = "tokens.json";

  private StateDirectory() {
  }

  /** The state directory for the environment {@code env} (not created). */
  public static Path of(Map<String, String> env) {
    String dir = nonEmpty(env.get(ENV));
    if (dir != null) {
      return Path.of(dir).toAbsolutePath();
    }
    String xdg = nonEmpty(env.get("XDG_STATE_HOME"));
    if (xdg == null) {
      String home = nonEmpty(env.get("HOME"));
      xdg = Path.of(home == null ? System.getProperty("user.home") : home, ".local", "state").toString();
    }
    return Path.of(xdg, "procbus").toAbsolutePath();
  }

  /** The first-start token file for the environment {@code env}. */
  public static Path tokenFile(Map<String, String> env) {
    return of(env).resolve(TOKEN_FILE);
  }

  /** The name of the local user ({@code user.name}), the principal of a first-start token. */
  public static String localUser() {
    String name = nonEmpty(System.getProperty("user.name"));
    return name == null || "?".equals(name) ? "user" : name;
  }

  private static String nonEmpty(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
