package io.procbus.bridge;

import static io.procbus.bridge.AddressPermits.clip;

import io.procbus.api.ErrorCode;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Control;
import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The {@code send} frames of a bridge connection: commands, forwarded to the service with the connection's
 * principal as their owner ({@code spawn} and {@code run} through the {@link EdgeAdmission}), kept to the
 * principal's own processes by the {@link OwnerIndex} ({@code list} filtered, a command about another's process
 * {@code NOT_OWNER}), answered with a reply or an error frame; and grants, stamped with the owner and never
 * answered. Touched on the bridge verticle's context only.
 */
final class CommandForwarder {

  /** Requests a connection may have in flight. */
  static final int MAX_IN_FLIGHT = 64;
  /** Reply timeout of a command. */
  static final long COMMAND_TIMEOUT_MILLIS = 30_000;
  /** Reply timeout of a command that waits for the child ({@code run}, {@code writeStdin}, {@code closeStdin}). */
  static final long CHILD_TIMEOUT_MILLIS = 3_600_000;

  private static final Set<String> ACTIONS = Set.of("spawn", "run", "writeStdin", "closeStdin", "closePipe",
    "closeProcess", "signal", "resize", "info", "replay", "list", "nodes", "renewLease", "release");
  private static final Set<String> CHILD_ACTIONS = Set.of("run", "writeStdin", "closeStdin");

  private final Vertx vertx;
  private final AddressPermits permits;
  private final EdgeAdmission admission;
  private final OwnerIndex owners;
  private final boolean policy;

  /** {@code policy}: whether the node has a policy (without one every command is {@code DENIED}). */
  CommandForwarder(Vertx vertx, AddressPermits permits, EdgeAdmission admission, OwnerIndex owners,
                   boolean policy) {
    this.vertx = vertx;
    this.permits = permits;
    this.admission = admission;
    this.owners = owners;
    this.policy = policy;
  }

  /** Handles a {@code send} frame {@code f} to {@code address} of an authenticated connection. */
  void send(EdgeSession s, JsonObject f, String address, JsonObject headers) {
    Object body = f.getValue("body");
    if (permits.isControl(address)) {
      grant(s, address, body);
      return;
    }
    if (!permits.takesCommands(address)) {
      permits.notPermitted(s, address);
      return;
    }
    if (!(f.getValue("replyAddress") instanceof String reply)) {
      s.write(BridgeFrames.error(address, ErrorCode.MALFORMED, "a command needs a replyAddress"));
      return;
    }
    String action = headers == null ? null : headers.getString(Headers.ACTION);
    if (action == null || !ACTIONS.contains(action)) {
      s.write(BridgeFrames.error(reply, ErrorCode.MALFORMED, "unknown action " + clip(String.valueOf(action))));
      return;
    }
    if (!(body instanceof JsonObject command)) {
      s.write(BridgeFrames.error(reply, ErrorCode.MALFORMED, "the body of a command is a JSON object"));
      return;
    }
    if (!policy) {
      s.write(BridgeFrames.failure(reply, address, ServiceGuard.noPolicy()));
      return;
    }
    if (s.inFlight >= MAX_IN_FLIGHT) {
      s.write(BridgeFrames.error(reply, ErrorCode.LIMIT_REACHED, MAX_IN_FLIGHT + " requests are in flight"));
      return;
    }
    switch (action) {
      case "spawn", "run" -> {
        if (admission.admit(s, address, reply, action, command)) {
          forward(s, address, reply, action, command);
        }
      }
      case "renewLease", "release" -> forward(s, address, reply, action, command.put("owner", s.principal.name()));
      case "list" -> list(s, address, reply, command);
      default -> aboutOneProcess(s, address, reply, action, command);
    }
  }

  /** {@code list}: the service's answer, filtered to the processes the principal may see. */
  private void list(EdgeSession s, String address, String reply, JsonObject command) {
    request(s, address, reply, "list", command).onSuccess(m -> {
      JsonArray mine = new JsonArray();
      if (m.body() instanceof JsonArray all) {
        for (Object o : all) {
          if (o instanceof JsonObject info && owners.visible(s.principal, info.getString("owner"))) {
            mine.add(info);
          }
        }
      }
      s.write(BridgeFrames.reply(s, reply, mine));
    });
  }

  /** A command about one process: only its owner (or a role that sees all) may send it. */
  private void aboutOneProcess(EdgeSession s, String address, String reply, String action, JsonObject command) {
    if (!(command.getValue("id") instanceof String id)) {
      forward(s, address, reply, action, command); // the service answers MALFORMED
      return;
    }
    boolean info = "info".equals(action);
    owners.ownerOf(address, id, info).onComplete(ar -> {
      if (s.closed) {
        return;
      }
      if (ar.failed()) {
        s.write(BridgeFrames.failure(reply, address, ar.cause()));
      } else if (!owners.visible(s.principal, ar.result().getString("owner"))) {
        s.write(BridgeFrames.error(reply, ErrorCode.NOT_OWNER, "process " + id + " is not owned by "
          + s.principal.name()));
      } else if (info) {
        s.write(BridgeFrames.reply(s, reply, ar.result()));
      } else {
        command.put("owner", ar.result().getString("owner"));
        forward(s, address, reply, action, command);
      }
    });
  }

  private void forward(EdgeSession s, String address, String reply, String action, JsonObject command) {
    request(s, address, reply, action, command).onSuccess(m -> {
      if (m.body() instanceof JsonObject info && "spawn".equals(action)) {
        owners.remember(info);
      }
      s.write(BridgeFrames.reply(s, reply, m.body()));
    });
  }

  /** Sends a command; a failure is written to the connection, a success is the caller's to write. */
  private Future<Message<Object>> request(EdgeSession s, String address, String reply, String action,
                                          JsonObject command) {
    long timeout = CHILD_ACTIONS.contains(action) ? CHILD_TIMEOUT_MILLIS : COMMAND_TIMEOUT_MILLIS;
    s.inFlight++;
    return vertx.eventBus().request(address, command, new DeliveryOptions().addHeader(Headers.ACTION, action)
        .addHeader(Headers.ORIGIN, Headers.ORIGIN_BRIDGE).setSendTimeout(timeout))
      .andThen(ar -> {
        s.inFlight--;
        if (ar.failed() && !s.closed) {
          s.write(BridgeFrames.failure(reply, address, ar.cause()));
        }
      })
      .transform(ar -> ar.succeeded() && !s.closed ? Future.succeededFuture(ar.result())
        : Future.failedFuture("not delivered"));
  }

  /** A grant to a control address: stamped with the process's owner (else the sender); never answered. */
  private void grant(EdgeSession s, String address, Object body) {
    if (!policy || !(body instanceof JsonObject g) || !(g.getValue(Control.ID) instanceof String id)) {
      return; // grants are never answered; the service ignores malformed ones too
    }
    String owner = owners.cached(id);
    g.put(Control.OWNER, owner != null && owners.visible(s.principal, owner) ? owner : s.principal.name());
    g.remove(Control.GRANTS); // a bridge forwards one grant per frame: the owner is stamped for its id only
    vertx.eventBus().send(address, g);
  }
}
