package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.auth.Principal;
import io.procbus.auth.TokenStore;
import io.procbus.protocol.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Authenticates bridge connections: a frame's {@code authorization} header, {@code Bearer <token>}, gives the
 * connection its principal (one per connection); a bad header, an unknown token or a second principal is
 * {@code UNAUTHENTICATED}, then the close; so is a connection without a principal after
 * {@link BridgeVerticle#AUTH_TIMEOUT_MILLIS}.
 */
final class Authenticator {

  private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
  private static final String BEARER = "Bearer ";

  private final Vertx vertx;
  private final TokenStore tokens;

  Authenticator(Vertx vertx, TokenStore tokens) {
    this.vertx = vertx;
    this.tokens = tokens;
  }

  /** Closes a new connection unless it authenticates within {@link BridgeVerticle#AUTH_TIMEOUT_MILLIS}. */
  void deadline(EdgeSession s) {
    vertx.setTimer(BridgeVerticle.AUTH_TIMEOUT_MILLIS, t -> {
      if (s.principal == null && !s.closed) {
        refuse(s, null, "no token within " + BridgeVerticle.AUTH_TIMEOUT_MILLIS + " ms");
      }
    });
  }

  /**
   * Authenticates {@code s} by the frame's {@code headers} (a frame without the header changes nothing); false
   * when it refused the connection, which is then closing.
   */
  boolean authenticate(EdgeSession s, JsonObject headers) {
    String auth = headers == null ? null : headers.getString(Headers.AUTHORIZATION);
    if (auth == null) {
      return true;
    }
    if (!auth.startsWith(BEARER)) {
      refuse(s, null, "the " + Headers.AUTHORIZATION + " header is \"" + BEARER + "<token>\": the \"" + BEARER
        + "\" prefix is missing");
      return false;
    }
    Principal p = tokens.authenticate(auth.substring(BEARER.length()));
    if (p == null) {
      refuse(s, null, "the token is not valid");
      return false;
    }
    if (s.principal != null && !s.principal.equals(p)) {
      refuse(s, null, "a connection has one principal");
      return false;
    }
    if (s.principal == null) {
      LOG.log(Level.FINE, "{0} authenticated as {1}", new Object[] {s.describe(), p.name()});
    }
    s.principal = p;
    return true;
  }

  /** Refuses a frame of a connection that has no principal yet, answering at its {@code replyAddress}. */
  void unauthenticated(EdgeSession s, JsonObject frame) {
    Object reply = frame.getValue("replyAddress");
    refuse(s, reply instanceof String r ? r : null, "send a valid token in the " + Headers.AUTHORIZATION
      + " header first");
  }

  private static void refuse(EdgeSession s, String address, String message) {
    s.write(BridgeFrames.error(address, ErrorCode.UNAUTHENTICATED, message));
    s.closeConnection();
  }
}
