package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessService;
import io.procbus.config.ConfigReader;
import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceInterceptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks every command message before the generated proxy handler sees it: the body must be a JSON object,
 * the {@code action} one of the service's methods, and every field of the right type (recursively for the
 * data objects). Anything else fails with {@link ErrorCode#MALFORMED}, so the generated handler's
 * {@code ClassCastException}s and its 500 replies never reach a client, and nothing is logged as an
 * unhandled exception.
 *
 * <p>Nothing here restates the schema: the actions and their parameters are {@link ProcessService}'s methods
 * (compiled with their parameter names), and each parameter is read strictly as its Java type by
 * {@link ConfigReader#problem}, so a data object's fields are its bean properties. The converters ignore fields
 * of a wrong type; this check refuses them instead, and refuses unknown fields, so that a misspelt option is an
 * error rather than a silent default. A primitive parameter ({@code fd}, {@code group}) is required.
 */
public final class RequestValidator implements ServiceInterceptor {

  private static final Logger LOG = Logger.getLogger(RequestValidator.class.getName());

  /** The parameters of every {@code ProcessService} method, by action, in declaration order. */
  static final Map<String, Map<String, Parameter>> ACTIONS = actions();

  private static Map<String, Map<String, Parameter>> actions() {
    Map<String, Map<String, Parameter>> actions = new TreeMap<>();
    for (Method m : ProcessService.class.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
        continue;
      }
      Map<String, Parameter> params = new LinkedHashMap<>();
      for (Parameter p : m.getParameters()) {
        if (!p.isNamePresent()) {
          throw new IllegalStateException("ProcessService was compiled without -parameters: no name for " + p);
        }
        params.put(p.getName(), p);
      }
      actions.put(m.getName(), Collections.unmodifiableMap(params));
    }
    return Collections.unmodifiableMap(actions);
  }

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
    Map<String, Parameter> params = ACTIONS.get(action);
    if (params == null) {
      return "unknown action '" + action + "' (known: " + ACTIONS.keySet().stream().sorted().toList() + ")";
    }
    if (!(body instanceof JsonObject json)) {
      return "the body of '" + action + "' must be a JSON object keyed by parameter name, not "
        + (body == null ? "null" : body.getClass().getSimpleName());
    }
    return fields(action, json, params);
  }

  private static String fields(String action, JsonObject json, Map<String, Parameter> params) {
    for (Map.Entry<String, Object> e : json) {
      if (!params.containsKey(e.getKey())) {
        return action + ": unknown field '" + e.getKey() + "' (known: " + params.keySet().stream().sorted().toList()
          + ")";
      }
    }
    for (Parameter p : params.values()) {
      Object v = json.getValue(p.getName());
      String at = action + "." + p.getName();
      String problem = v == null ? (p.getType().isPrimitive() ? " is required" : null)
        : ConfigReader.problem(v, p.getParameterizedType());
      if (problem != null) {
        return at + problem;
      }
    }
    return null;
  }
}
