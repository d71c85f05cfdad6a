package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.serviceproxy.ServiceException;

/** How the client reports a failure of a command to the service: a {@link ProcessException} with a stable code. */
final class ClientFailures {

  private ClientFailures() {
  }

  /**
   * The service's codes as they are (and the errno its debug info carries), a command without a reply in time
   * as {@code TIMEOUT}, no service at the address as {@code CLOSED}, anything else as {@code INTERNAL}.
   */
  static ProcessException toProcessException(Throwable e) {
    if (e instanceof ProcessException pe) {
      return pe;
    }
    if (e instanceof ReplyException re) {
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
          if (re instanceof ServiceException se && se.getDebugInfo() != null
            && se.getDebugInfo().getValue("errno") instanceof Number n) {
            errno = n.intValue();
          }
          return new ProcessException(code, re.getMessage(), errno);
      }
    }
    return new ProcessException(ErrorCode.INTERNAL, String.valueOf(e));
  }
}
