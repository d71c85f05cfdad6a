package io.procbus.engine;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service's own environment, as children inherit it: {@code System.getenv()} in a UTF-8 locale; else the
 * bytes of {@code /proc/self/environ} read as UTF-8. Under {@code LC_ALL=C} the JDK decodes the environment as
 * ASCII, so a non-ASCII value would reach the child as U+FFFD's bytes instead of its own (issue 10).
 */
final class ServiceEnvironment {

  private static volatile Map<String, String> environment;

  private ServiceEnvironment() {
  }

  /** The environment, read once. */
  static Map<String, String> get() {
    Map<String, String> e = environment;
    if (e == null) {
      e = Collections.unmodifiableMap(read());
      environment = e;
    }
    return e;
  }

  private static Map<String, String> read() {
    String jnu = System.getProperty("sun.jnu.encoding");
    if (jnu != null && Charset.isSupported(jnu) && Charset.forName(jnu).equals(StandardCharsets.UTF_8)) {
      return new LinkedHashMap<>(System.getenv());
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of("/proc/self/environ"));
    } catch (IOException e) {
      return new LinkedHashMap<>(System.getenv());
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }
}
