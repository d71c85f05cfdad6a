package io.procbus.api;

import java.util.regex.Pattern;

/** Quoting for shell command lines. asyncio's docs: "use {@code shlex.quote()}" to avoid shell injection. */
public final class Shlex {

  private static final Pattern SAFE = Pattern.compile("[\\w@%+=:,./-]+");

  private Shlex() {
  }

  /**
   * Returns {@code s} quoted so that {@code /bin/sh} reads it back as one word, exactly as Python's
   * {@code shlex.quote}: unchanged when it has only safe characters, {@code ''} when empty, otherwise in
   * single quotes with each {@code '} written as {@code '"'"'}.
   */
  public static String quote(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (SAFE.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }
}
