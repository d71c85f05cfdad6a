package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.SpawnRequest;
import io.procbus.ops.ServiceMonitor;
import io.procbus.policy.CommandPolicy;
import io.procbus.policy.ServiceGuard;
import io.procbus.verticle.RequestValidator;
import io.vertx.core.json.JsonObject;

/**
 * The bridges' admission point: a {@code spawn} or {@code run} from a bridge connection is stamped with the
 * connection's principal as its owner, validated, admitted against the node's policy and replaced by its sealed
 * form (the node that runs it checks the seal, not its own policy). A client may not send an admission of its
 * own.
 */
final class EdgeAdmission {

  private final ServiceGuard guard;
  private final ServiceMonitor monitor;

  EdgeAdmission(ServiceGuard guard, ServiceMonitor monitor) {
    this.guard = guard;
    this.monitor = monitor;
  }

  /**
   * Stamps, checks and seals the spawn request of a {@code spawn} ({@code command.request}) or {@code run}
   * ({@code command.request.spawn}) in place; on a denial ({@code DENIED}, counted) or a malformed command
   * ({@code MALFORMED}), writes the failure at {@code reply} and gives false.
   */
  boolean admit(EdgeSession s, String address, String reply, String action, JsonObject command) {
    JsonObject holder;
    String field;
    if ("spawn".equals(action)) {
      holder = command;
      field = "request";
    } else {
      holder = command.getValue("request") instanceof JsonObject r ? r : null;
      field = "spawn";
    }
    stamp(holder, field, s.principal.name());
    String problem = RequestValidator.check(action, command);
    if (problem != null) {
      s.write(BridgeFrames.error(reply, ErrorCode.MALFORMED, problem));
      return false;
    }
    if (holder == null || !(holder.getValue(field) instanceof JsonObject request)) {
      return true; // the service refuses the command
    }
    try {
      if (request.getValue("admission") != null) {
        throw CommandPolicy.deny("admission", "a bridge client may not send an admission: the bridge admits");
      }
      if (request.getValue("eventAddress") != null) {
        throw CommandPolicy.deny("eventAddress", "a bridge client names no event address: it registers the "
          + "process's eventAddress");
      }
      holder.put(field, guard.admitAtEdge(s.principal, new SpawnRequest(request)).toJson());
      return true;
    } catch (ProcessException e) {
      monitor.denied(s.principal.name(), action, e.getMessage());
      s.write(BridgeFrames.failure(reply, address, e));
      return false;
    }
  }

  /** Sets {@code owner} in {@code holder.field}, when it is an object (else the service answers MALFORMED). */
  private static void stamp(JsonObject holder, String field, String owner) {
    if (holder != null && holder.getValue(field) instanceof JsonObject request) {
      request.put("owner", owner);
    }
  }
}
