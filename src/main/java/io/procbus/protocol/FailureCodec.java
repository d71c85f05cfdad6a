package io.procbus.protocol;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one mapping between a failure in the code ({@link ProcessException} with its {@link ErrorCode}) and its wire
 * forms: the service proxies' {@link ServiceException}, a bus reply's {@link ReplyException} and a bridge's JSON
 * error frame.
 *
 * <p>A failure keeps its code and message in every form; a {@code ServiceException} carries the code's name,
 * the {@code errno} and the failure's {@link ProcessException#details() details} in its debug info. Anything
 * else (a bug) becomes {@link ErrorCode#INTERNAL}: logged once, at {@code WARNING} with its stack, where it is
 * encoded for the wire (or, in a client, decoded); expected failures are not logged and carry no stack.
 */
public final class FailureCodec {

  private static final Logger LOG = Logger.getLogger(FailureCodec.class.getName());

  private FailureCodec() {
  }

  /** The service-proxy form of {@code t}, the failure of a service method. */
  public static ServiceException toServiceException(Throwable t) {
    if (t instanceof ServiceException se) {
      return se;
    }
    if (t instanceof ReplyException re) {
      if (re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        return toServiceException(toProcessException(re));
      }
      ErrorCode code = ErrorCode.of(re.failureCode());
      return new ServiceException(re.failureCode(), re.getMessage(),
        code == null ? new JsonObject() : new JsonObject().put("code", code.name()));
    }
    ProcessException pe = t instanceof ProcessException p ? p : internal(t);
    if (pe.code() == ErrorCode.INTERNAL && pe.getCause() != null) {
      logUnexpected(pe.getCause());
    }
    JsonObject debug = new JsonObject().put("code", pe.code().name());
    if (pe.errno() != null) {
      debug.put("errno", pe.errno());
    }
    debug.mergeIn(pe.details());
    return new ServiceException(pe.code().code(), pe.getMessage(), debug);
  }

  /** The failure {@code t} of a call to a procbus service as the API reports it: a code, a message, an errno. */
  public static ProcessException toProcessException(Throwable t) {
    if (t instanceof ProcessException pe) {
      return pe;
    }
    if (!(t instanceof ReplyException re)) {
      logUnexpected(t);
      return internal(t);
    }
    switch (re.failureType()) {
      case TIMEOUT:
        return new ProcessException(ErrorCode.TIMEOUT, "no reply from the procbus service in time: " + re.getMessage());
      case NO_HANDLERS:
        return new ProcessException(ErrorCode.CLOSED, "no procbus service at the address: " + re.getMessage());
      default:
        ErrorCode code = ErrorCode.of(re.failureCode());
        if (code == null) {
          return new ProcessException(ErrorCode.INTERNAL, "unexpected failure " + re.failureCode() + " from the "
            + "procbus service: " + re.getMessage());
        }
        Integer errno = null;
        JsonObject details = null;
        if (re instanceof ServiceException se && se.getDebugInfo() != null) {
          details = se.getDebugInfo().copy();
          details.remove("code");
          if (details.remove("errno") instanceof Number n) {
            errno = n.intValue();
          }
        }
        return new ProcessException(code, re.getMessage(), errno, details, null);
    }
  }

  /**
   * The {@link ErrorCode#INTERNAL} failure for an unexpected exception {@code t} (a bug), which it keeps as its
   * cause; it is logged, with that stack, when it is encoded for the wire.
   */
  public static ProcessException internal(Throwable t) {
    return new ProcessException(ErrorCode.INTERNAL, "internal error: " + t, null, null, t);
  }

  private static void logUnexpected(Throwable t) {
    LOG.log(Level.WARNING, "unexpected failure in procbus, reported as INTERNAL", t);
  }

  /** A bridge's error frame: {@code {"type":"err","address":…,"failureCode":…,"message":"CODE: …"}}. */
  public static JsonObject errorFrame(String address, ErrorCode code, String message) {
    JsonObject f = new JsonObject().put("type", "err");
    if (address != null) {
      f.put("address", address);
    }
    return f.put("failureCode", code.code()).put("failureType", ReplyFailure.RECIPIENT_FAILURE.name())
      .put("message", code.name() + ": " + message);
  }

  /**
   * A bridge's error frame for the failed request {@code t} sent to {@code sourceAddress}: a bus failure keeps its
   * code, type and message, anything else is encoded as {@link #toServiceException} does.
   */
  public static JsonObject errorFrame(String replyAddress, String sourceAddress, Throwable t) {
    ReplyException re = t instanceof ReplyException r ? r : toServiceException(t);
    return new JsonObject().put("type", "err").put("address", replyAddress).put("sourceAddress", sourceAddress)
      .put("failureCode", re.failureCode()).put("failureType", re.failureType().name())
      .put("message", re.getMessage());
  }
}
