package io.procbus.bridge;

import io.procbus.auth.Principal;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * One bridge connection (TCP or SockJS), as the {@link Edge} sees it: its principal once authenticated, its
 * registrations and its requests in flight. Touched on the bridge verticle's context only.
 */
abstract class EdgeSession {

  /** The principal, once a frame carried a valid token. */
  Principal principal;
  /** Registered event addresses. */
  final Set<String> registrations = new HashSet<>();
  /** Requests sent to the service and not yet answered. */
  int inFlight;
  boolean closed;

  /** The frame type of a delivered message: {@code message} (TCP bridge) or {@code rec} (SockJS bridge). */
  abstract String messageType();

  /** Writes one frame. */
  abstract void write(JsonObject frame);

  /** Whether the connection's write queue is full (the client does not read). */
  abstract boolean writeQueueFull();

  /** Closes the connection once what is queued is written. */
  abstract void closeConnection();

  /** Closes the connection now, dropping what is queued (a client that does not read). */
  void abortConnection() {
    closeConnection();
  }

  /** Answers a {@code ping}: {@code {"type":"pong"}} on TCP; nothing on SockJS (its client expects none). */
  void pong() {
    write(new JsonObject().put("type", "pong"));
  }

  /** A description for logs: transport and remote address. */
  abstract String describe();
}
