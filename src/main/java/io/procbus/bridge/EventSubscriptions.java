package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Addresses;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.procbus.protocol.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * The {@code register} and {@code unregister} frames of a bridge connection: a connection may register to the
 * event address of a process it may see (checked with the {@link OwnerIndex}), up to {@link #MAX_REGISTRATIONS}
 * addresses, and then gets its events from the {@link EventFanout}. Registrations are never acknowledged.
 * Touched on the bridge verticle's context only.
 */
final class EventSubscriptions {

  /** Event addresses a connection may register. */
  static final int MAX_REGISTRATIONS = 256;

  private final Addresses addresses;
  private final AddressPermits permits;
  private final OwnerIndex owners;
  private final EventFanout fanout;
  private final boolean policy;
  private final Vertx vertx;

  /** {@code policy}: whether the node has a policy (without one every registration is {@code DENIED}). */
  EventSubscriptions(Vertx vertx, Addresses addresses, AddressPermits permits, OwnerIndex owners,
                     EventFanout fanout, boolean policy) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.permits = permits;
    this.owners = owners;
    this.fanout = fanout;
    this.policy = policy;
  }

  /**
   * Registers {@code s} to {@code address}. The future completes once the registration is settled: at once when
   * it is refused or already there; else once the owner lookup (which may ask the service) and the subscription
   * (cluster-wide on a clustered bus) are done — the connection's later frames wait for it.
   */
  Future<Void> register(EdgeSession s, String address) {
    String id = permits.processId(address);
    if (id == null) {
      permits.notPermitted(s, address);
      return Future.succeededFuture();
    }
    if (!policy) {
      s.write(BridgeFrames.failure(address, address, ServiceGuard.noPolicy()));
      return Future.succeededFuture();
    }
    if (s.registrations.contains(address)) {
      return Future.succeededFuture();
    }
    if (s.registrations.size() >= MAX_REGISTRATIONS) {
      s.write(BridgeFrames.error(address, ErrorCode.LIMIT_REACHED, MAX_REGISTRATIONS + " registrations"));
      return Future.succeededFuture();
    }
    return owners.ownerOf(addresses.service(), id, true).transform(ar -> registered(s, address, id, ar));
  }

  /** Completes a registration once the process's owner is known; completes when the subscription is in place. */
  private Future<Void> registered(EdgeSession s, String address, String id, AsyncResult<JsonObject> ar) {
    if (s.closed) {
      return Future.succeededFuture();
    }
    if (ar.failed()) {
      s.write(BridgeFrames.failure(address, address, ar.cause()));
    } else if (!owners.visible(s.principal, ar.result().getString("owner"))) {
      s.write(BridgeFrames.error(address, ErrorCode.NOT_OWNER, "process " + id + " is not owned by "
        + s.principal.name()));
    } else if (s.registrations.add(address)) {
      return fanout.join(s, address).compose(v -> watch(ar.result()));
    }
    return Future.succeededFuture();
  }

  /**
   * Asks the process's instance to publish its events on its address ({@code replay} from past the end: no events
   * back), which a process whose owner names its own event address does only once watched; a failure (the process
   * is gone) changes nothing.
   */
  private Future<Void> watch(JsonObject info) {
    if (!(info.getValue("serviceAddress") instanceof String instance)) {
      return Future.succeededFuture();
    }
    JsonObject replay = new JsonObject().put("id", info.getValue("id")).put("owner", info.getValue("owner"))
      .put("fromSeq", Long.MAX_VALUE);
    return vertx.eventBus().request(instance, replay, new DeliveryOptions().addHeader(Headers.ACTION, "replay")
      .setSendTimeout(CommandForwarder.COMMAND_TIMEOUT_MILLIS)).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Unregisters {@code s} from {@code address} ({@code INVALID_ARGUMENT} when it is not registered). */
  void unregister(EdgeSession s, String address) {
    if (!s.registrations.remove(address)) {
      s.write(BridgeFrames.error(address, ErrorCode.INVALID_ARGUMENT, "not registered"));
      return;
    }
    fanout.leave(s, address);
  }

  /** Forgets every registration of a closed connection. */
  void closed(EdgeSession s) {
    for (String address : s.registrations) {
      fanout.leave(s, address);
    }
    s.registrations.clear();
  }
}
