package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.StdioMode;
import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceInterceptor;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks every command message before the generated proxy handler sees it: the body must be a JSON object,
 * the {@code action} one of the service's methods, and every field of the right type (recursively for the
 * data objects). Anything else fails with {@link ErrorCode#MALFORMED}, so the generated handler's
 * {@code ClassCastException}s and its 500 replies never reach a client, and nothing is logged as an
 * unhandled exception.
 *
 * <p>The data-object converters ignore fields of a wrong type; this check refuses them instead, and refuses
 * unknown fields, so that a misspelt option is an error rather than a silent default.
 */
public final class RequestValidator implements ServiceInterceptor {

  private static final Logger LOG = Logger.getLogger(RequestValidator.class.getName());

  /** The JSON type a field must have. */
  enum Type {
    STRING, BOOLEAN, INT, LONG, BASE64, STRING_ARRAY, STRING_MAP, SPAWN_REQUEST, RUN_REQUEST, PROCESS_OPTIONS, STDIO,
    STDIO_MODE, ADMISSION
  }

  /** A field: its type, and whether it must be present and not null. */
  record Field(Type type, boolean required) {
  }

  private static Field optional(Type type) {
    return new Field(type, false);
  }

  private static Field required(Type type) {
    return new Field(type, true);
  }

  /** The parameters of every {@code ProcessService} method, by action; a test keeps it in step with the interface. */
  static final Map<String, Map<String, Field>> ACTIONS = Map.ofEntries(
    Map.entry("spawn", Map.of("request", optional(Type.SPAWN_REQUEST))),
    Map.entry("run", Map.of("request", optional(Type.RUN_REQUEST))),
    Map.entry("writeStdin", Map.of("id", optional(Type.STRING), "owner", optional(Type.STRING),
      "data", optional(Type.BASE64))),
    Map.entry("closeStdin", Map.of("id", optional(Type.STRING), "owner", optional(Type.STRING))),
    Map.entry("closePipe", Map.of("id", optional(Type.STRING), "owner", optional(Type.STRING),
      "fd", required(Type.INT))),
    Map.entry("closeProcess", Map.of("id", optional(Type.STRING), "owner", optional(Type.STRING))),
    Map.entry("signal", Map.of("id", optional(Type.STRING), "owner", optional(Type.STRING),
      "signal", optional(Type.STRING), "group", required(Type.BOOLEAN))),
    Map.entry("info", Map.of("id", optional(Type.STRING))),
    Map.entry("replay", Map.of("id", optional(Type.STRING), "owner", optional(Type.STRING),
      "fromSeq", required(Type.LONG))),
    Map.entry("list", Map.of()),
    Map.entry("renewLease", Map.of("owner", optional(Type.STRING))),
    Map.entry("release", Map.of("owner", optional(Type.STRING))),
    Map.entry("nodes", Map.of()));

  static final Map<String, Field> SPAWN_REQUEST = Map.of(
    "command", optional(Type.STRING_ARRAY),
    "shell", optional(Type.STRING),
    "options", optional(Type.PROCESS_OPTIONS),
    "owner", optional(Type.STRING),
    "detached", optional(Type.BOOLEAN),
    "timeoutMillis", optional(Type.LONG),
    "killSignal", optional(Type.STRING),
    "node", optional(Type.STRING),
    "admission", optional(Type.ADMISSION));

  static final Map<String, Field> ADMISSION = Map.of(
    "principal", optional(Type.STRING),
    "rule", optional(Type.STRING),
    "maxOutputBytes", optional(Type.LONG),
    "maxLiveChildren", optional(Type.INT),
    "requires", optional(Type.STRING_ARRAY),
    "key", optional(Type.STRING),
    "mac", optional(Type.STRING));

  static final Map<String, Field> RUN_REQUEST = Map.of(
    "spawn", optional(Type.SPAWN_REQUEST),
    "input", optional(Type.BASE64),
    "maxOutputBytes", optional(Type.INT));

  static final Map<String, Field> PROCESS_OPTIONS = Map.of(
    "stdin", optional(Type.STDIO),
    "stdout", optional(Type.STDIO),
    "stderr", optional(Type.STDIO),
    "cwd", optional(Type.STRING),
    "env", optional(Type.STRING_MAP),
    "inheritEnv", optional(Type.BOOLEAN),
    "newProcessGroup", optional(Type.BOOLEAN),
    "newSession", optional(Type.BOOLEAN),
    "limit", optional(Type.INT));

  static final Map<String, Field> STDIO = Map.of(
    "mode", optional(Type.STDIO_MODE),
    "path", optional(Type.STRING),
    "append", optional(Type.BOOLEAN));

  @Override
  public Future<Message<JsonObject>> intercept(Vertx vertx, Map<String, Object> context, Message<JsonObject> message) {
    // Read the body untyped: it may be anything a sender put on the bus.
    Object body = ((Message<?>) message).body();
    String problem = check(message.headers().get(Headers.ACTION), body);
    if (problem != null) {
      LOG.log(Level.FINE, "refused a malformed command to {0}: {1}", new Object[] {message.address(), problem});
      return Future.failedFuture(new ServiceException(ErrorCode.MALFORMED.code(), problem));
    }
    return Future.succeededFuture(message);
  }

  /** What is wrong with a command (a bridge checks with it before it admits), or {@code null}. */
  public static String check(String action, Object body) {
    if (action == null) {
      return "no '" + Headers.ACTION + "' header";
    }
    Map<String, Field> params = ACTIONS.get(action);
    if (params == null) {
      return "unknown action '" + action + "' (known: " + ACTIONS.keySet().stream().sorted().toList() + ")";
    }
    if (!(body instanceof JsonObject json)) {
      return "the body of '" + action + "' must be a JSON object keyed by parameter name, not "
        + (body == null ? "null" : body.getClass().getSimpleName());
    }
    return fields(action, json, params);
  }

  private static String fields(String path, JsonObject json, Map<String, Field> fields) {
    for (Map.Entry<String, Object> e : json) {
      if (!fields.containsKey(e.getKey())) {
        return path + ": unknown field '" + e.getKey() + "' (known: " + fields.keySet().stream().sorted().toList() + ")";
      }
    }
    for (Map.Entry<String, Field> f : fields.entrySet()) {
      Object v = json.getValue(f.getKey());
      String at = path + "." + f.getKey();
      if (v == null) {
        if (f.getValue().required()) {
          return at + " is required";
        }
        continue;
      }
      String problem = value(at, v, f.getValue().type());
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String value(String at, Object v, Type type) {
    switch (type) {
      case STRING:
        return v instanceof String ? null : at + " must be a string";
      case BOOLEAN:
        return v instanceof Boolean ? null : at + " must be a boolean";
      case INT:
        return (v instanceof Integer || v instanceof Long && (long) v == (int) (long) v) ? null
          : at + " must be an integer in 32-bit range";
      case LONG:
        return v instanceof Integer || v instanceof Long ? null : at + " must be an integer";
      case BASE64:
        if (!(v instanceof String s)) {
          return at + " must be a base64url string";
        }
        try {
          Base64.getUrlDecoder().decode(s);
          return null;
        } catch (IllegalArgumentException e) {
          return at + " is not base64url: " + e.getMessage();
        }
      case STRING_ARRAY:
        if (!(v instanceof JsonArray a)) {
          return at + " must be an array of strings";
        }
        for (int i = 0; i < a.size(); i++) {
          if (!(a.getValue(i) instanceof String)) {
            return at + "[" + i + "] must be a string";
          }
        }
        return null;
      case STRING_MAP:
        if (!(v instanceof JsonObject o)) {
          return at + " must be an object of strings";
        }
        for (Map.Entry<String, Object> e : o) {
          if (!(e.getValue() instanceof String)) {
            return at + "." + e.getKey() + " must be a string";
          }
        }
        return null;
      case STDIO_MODE:
        if (v instanceof String s) {
          for (StdioMode m : StdioMode.values()) {
            if (m.name().equals(s)) {
              return null;
            }
          }
        }
        return at + " must be one of " + java.util.Arrays.toString(StdioMode.values());
      case SPAWN_REQUEST:
        return v instanceof JsonObject o ? fields(at, o, SPAWN_REQUEST) : at + " must be an object";
      case RUN_REQUEST:
        return v instanceof JsonObject o ? fields(at, o, RUN_REQUEST) : at + " must be an object";
      case PROCESS_OPTIONS:
        return v instanceof JsonObject o ? fields(at, o, PROCESS_OPTIONS) : at + " must be an object";
      case STDIO:
        return v instanceof JsonObject o ? fields(at, o, STDIO) : at + " must be an object";
      case ADMISSION:
        return v instanceof JsonObject o ? fields(at, o, ADMISSION) : at + " must be an object";
      default:
        throw new AssertionError(type);
    }
  }
}
