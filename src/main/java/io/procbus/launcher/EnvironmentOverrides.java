package io.procbus.launcher;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables an operator sets on a container instead of editing {@code conf/}: each one
 * replaces one configuration key (applied onto the JSON before the strict check) or one JVM system property
 * that the Hazelcast configuration reads (applied before Vert.x starts).
 *
 * <p>A value of the wrong form stops startup with a message naming the variable and the key; a variable for a
 * key this build does not know is refused by the strict check, also naming both. The README lists them.
 */
final class EnvironmentOverrides {

  /** What a variable's value must be. */
  enum Kind {
    /** Any non-empty text. */
    TEXT,
    /** A TCP port, 0–65535. */
    PORT,
    /** A whole number, 0 or more. */
    COUNT
  }

  /** One variable: sets {@code key} (a dotted configuration path, or a system property). */
  record Variable(String name, String key, Kind kind, boolean systemProperty) {
  }

  /** Every variable, in README order. */
  static final List<Variable> VARIABLES = List.of(
    config("PROCBUS_HTTP_HOST", "http.host", Kind.TEXT),
    config("PROCBUS_HTTP_PORT", "http.port", Kind.PORT),
    config("PROCBUS_TCP_HOST", "bridges.tcp.host", Kind.TEXT),
    config("PROCBUS_TCP_PORT", "bridges.tcp.port", Kind.PORT),
    config("PROCBUS_SOCKJS_HOST", "bridges.sockjs.host", Kind.TEXT),
    config("PROCBUS_SOCKJS_PORT", "bridges.sockjs.port", Kind.PORT),
    config("PROCBUS_NODE", "cluster.node", Kind.TEXT),
    config("PROCBUS_INSTANCE", "instance", Kind.TEXT),
    config("PROCBUS_KILL_GRACE_MILLIS", "engine.killGraceMillis", Kind.COUNT),
    config("PROCBUS_TOKEN_FILE", "auth.tokenFile", Kind.TEXT),
    config("PROCBUS_POLICY_FILE", "policy.policyFile", Kind.TEXT),
    config("PROCBUS_ADMISSION_KEY_FILE", "cluster.admissionKeyFile", Kind.TEXT),
    new Variable("PROCBUS_CLUSTER_MEMBERS", "hz.members", Kind.TEXT, true),
    new Variable("PROCBUS_CLUSTER_PORT", "hz.port", Kind.PORT, true));

  /** Defaults of the system properties {@code conf/cluster-docker.xml} reads, so that it always resolves. */
  static final Map<String, String> SYSTEM_PROPERTY_DEFAULTS = Map.of("hz.members", "127.0.0.1", "hz.port", "5701");

  private static final Pattern BAD_KEY = Pattern.compile("bad configuration at '([^']*)'");

  private EnvironmentOverrides() {
  }

  private static Variable config(String name, String key, Kind kind) {
    return new Variable(name, key, kind, false);
  }

  /**
   * Applies the configuration variables present in {@code env} onto {@code config} (in place) and returns the
   * ones applied.
   *
   * @throws IllegalArgumentException naming the variable and the key, for a value of the wrong form
   */
  static List<Variable> applyToConfig(JsonObject config, Map<String, String> env) {
    List<Variable> applied = new ArrayList<>();
    for (Variable v : VARIABLES) {
      String raw = env.get(v.name());
      if (raw == null || v.systemProperty()) {
        continue;
      }
      Object value = parse(v, raw);
      String[] path = v.key().split("\\.");
      JsonObject section = config;
      for (int i = 0; i < path.length - 1; i++) {
        Object next = section.getValue(path[i]);
        if (next == null) {
          next = new JsonObject();
          section.put(path[i], next);
        } else if (!(next instanceof JsonObject)) {
          throw bad(v, "'" + path[i] + "' in the configuration is not an object");
        }
        section = (JsonObject) next;
      }
      section.put(path[path.length - 1], value);
      applied.add(v);
    }
    return applied;
  }

  /**
   * Sets the system properties of the variables present in {@code env}, and the defaults of those absent
   * (unless already set with {@code -D}).
   *
   * @throws IllegalArgumentException naming the variable and the property, for a value of the wrong form
   */
  static void applyToSystemProperties(Map<String, String> env) {
    for (Variable v : VARIABLES) {
      String raw = env.get(v.name());
      if (v.systemProperty() && raw != null) {
        System.setProperty(v.key(), String.valueOf(parse(v, raw)));
      }
    }
    SYSTEM_PROPERTY_DEFAULTS.forEach((key, value) -> {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    });
  }

  /** The variable among {@code applied} that set the configuration key at {@code path} (or inside it), or null. */
  static Variable setting(List<Variable> applied, String path) {
    for (Variable v : applied) {
      if (v.key().equals(path) || v.key().startsWith(path + ".") || path.startsWith(v.key() + ".")) {
        return v;
      }
    }
    return null;
  }

  /**
   * {@code " (set by environment variable X as 'key')"} when the key a configuration error {@code message}
   * names ({@code bad configuration at 'key'}) was set by one of {@code applied}; otherwise empty.
   */
  static String origin(List<Variable> applied, String message) {
    Matcher m = BAD_KEY.matcher(message);
    Variable v = m.find() ? setting(applied, m.group(1)) : null;
    return v == null ? "" : " (set by environment variable " + v.name() + " as '" + v.key() + "')";
  }

  private static Object parse(Variable v, String raw) {
    String value = raw.trim();
    if (value.isEmpty()) {
      throw bad(v, "empty value");
    }
    return switch (v.kind()) {
      case TEXT -> value;
      case PORT -> {
        long n = number(v, value);
        if (n > 65_535) {
          throw bad(v, "not a port (0-65535): " + value);
        }
        yield (int) n;
      }
      case COUNT -> number(v, value);
    };
  }

  private static long number(Variable v, String value) {
    try {
      long n = Long.parseLong(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw bad(v, "not a whole number of 0 or more: '" + value + "'");
  }

  private static IllegalArgumentException bad(Variable v, String what) {
    return new IllegalArgumentException("bad environment variable " + v.name() + " (sets '" + v.key() + "'): "
      + what);
  }
}
