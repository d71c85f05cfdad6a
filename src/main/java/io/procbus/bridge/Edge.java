package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.ops.ServiceMonitor;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What both bridges do with a frame, once their transport decoded it: check its shape, authenticate the
 * connection ({@link Authenticator}) and hand the frame to what handles its type — {@code send} to the
 * {@link CommandForwarder} (commands admitted at the {@link EdgeAdmission} and kept to the principal's own
 * processes by the {@link OwnerIndex}), {@code register} and {@code unregister} to the {@link EventSubscriptions}
 * (events through the {@link EventFanout}); only the procbus addresses are allowed ({@link AddressPermits}).
 *
 * <p>Frames are those of the Vert.x event-bus bridges: {@code ping}, {@code send}, {@code register},
 * {@code unregister} ({@code publish} is refused). A connection's frames are handled in order: those after a
 * {@code register} wait until it is settled. Runs on the bridge verticle's context.
 */
final class Edge {

  /** A held frame that did not parse (the queue takes no null). */
  private static final Object NOT_JSON = new Object();

  private final Authenticator authenticator;
  private final AddressPermits permits;
  private final CommandForwarder commands;
  private final EventSubscriptions subscriptions;
  private final EventFanout fanout;

  Edge(Vertx vertx, Addresses addresses, ServiceGuard guard) {
    ServiceMonitor monitor = ServiceMonitor.of(vertx);
    boolean policy = guard.policy() != null;
    OwnerIndex owners = new OwnerIndex(vertx, guard.policy());
    this.authenticator = new Authenticator(vertx, guard.tokens());
    this.permits = new AddressPermits(addresses, monitor);
    this.commands = new CommandForwarder(vertx, permits, new EdgeAdmission(guard, monitor), owners, policy);
    this.fanout = new EventFanout(vertx, this::closed);
    this.subscriptions = new EventSubscriptions(vertx, addresses, permits, owners, fanout, policy);
  }

  /** Handles one decoded frame ({@code null} or a non-object: a malformed frame). */
  void frame(EdgeSession s, Object decoded) {
    if (s.closed) {
      return;
    }
    if (s.holding) {
      s.held.add(decoded == null ? NOT_JSON : decoded);
      return;
    }
    if (!(decoded instanceof JsonObject f)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "a frame is a JSON object"));
      return;
    }
    Object type = f.getValue("type");
    Object headers = f.getValue("headers");
    if (headers != null && !stringValues(headers)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "headers must be an object of strings"));
      return;
    }
    if (!authenticator.authenticate(s, (JsonObject) headers)) {
      return;
    }
    if ("ping".equals(type)) {
      s.pong();
      return;
    }
    if (s.principal == null) {
      authenticator.unauthenticated(s, f);
      return;
    }
    if (!(type instanceof String)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "type must be a string"));
      return;
    }
    if (!(f.getValue("address") instanceof String address)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "address must be a string"));
      return;
    }
    switch ((String) type) {
      case "send" -> commands.send(s, f, address, (JsonObject) headers);
      case "register" -> holdUntil(s, subscriptions.register(s, address));
      case "unregister" -> subscriptions.unregister(s, address);
      case "publish" -> permits.deny(s, address, "publish is not permitted");
      default -> s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "unknown frame type"));
    }
  }

  /** Takes a new connection: it has {@link BridgeVerticle#AUTH_TIMEOUT_MILLIS} to authenticate. */
  void opened(EdgeSession s) {
    authenticator.deadline(s);
  }

  /**
   * Answers a frame above {@link BridgeVerticle#MAX_FRAME_BYTES} with {@code PAYLOAD_TOO_LARGE}, then closes the
   * connection; its later frames are ignored.
   */
  void tooLarge(EdgeSession s, String what) {
    s.write(BridgeFrames.error(null, ErrorCode.PAYLOAD_TOO_LARGE, what + " is above "
      + BridgeVerticle.MAX_FRAME_BYTES + ": closing"));
    s.closing = true;
    s.closeConnection();
  }

  /** Forgets a closed connection: its registrations go. */
  void closed(EdgeSession s) {
    s.closed = true;
    subscriptions.closed(s);
  }

  /**
   * Holds the frames after a {@code register} until it is settled, then handles them in order: its owner lookup
   * may ask the service, and on a clustered bus the subscription reaches the other nodes asynchronously, so a
   * grant sent right after it must not publish events before the registration is in place. The connection is not
   * read meanwhile, so that the held frames stay few.
   */
  private void holdUntil(EdgeSession s, Future<Void> settled) {
    if (settled.isComplete()) {
      return;
    }
    s.holding = true;
    s.reading(false);
    settled.onComplete(done -> {
      s.holding = false;
      s.reading(true);
      while (!s.holding && !s.held.isEmpty() && !s.closed) {
        Object next = s.held.poll();
        frame(s, next == NOT_JSON ? null : next);
      }
    });
  }

  private static boolean stringValues(Object headers) {
    if (!(headers instanceof JsonObject h)) {
      return false;
    }
    for (Map.Entry<String, Object> e : h) {
      if (!(e.getValue() instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** Event addresses bridge connections are registered to, for tests and diagnostics. */
  int fanoutCount() {
    return fanout.size();
  }
}
