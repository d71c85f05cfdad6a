package io.procbus.bridge;

import io.procbus.auth.Principal;
import io.procbus.policy.CommandPolicy;
import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which principal owns which process, as the bridges need it to keep a principal to its own processes: the
 * owners of the processes spawned through this bridge or looked up (id → owner, the last {@link #OWNER_CACHE}
 * used), and otherwise the service's {@code info}, which finds the process on whichever node of the cluster runs
 * it. Touched on the bridge verticle's context only.
 */
final class OwnerIndex {

  /** Process owners remembered (id → owner), to check commands without asking the service each time. */
  static final int OWNER_CACHE = 10_000;

  private final Vertx vertx;
  private final CommandPolicy policy;
  private final Map<String, String> owners = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > OWNER_CACHE;
    }
  };

  /** An index whose visibility rule is {@code policy}'s (which may be null: then nothing is asked). */
  OwnerIndex(Vertx vertx, CommandPolicy policy) {
    this.vertx = vertx;
    this.policy = policy;
  }

  /**
   * The owner of {@code id} ({@code {"id":…,"owner":…}}) from the cache, or its whole {@code ProcessInfo} from
   * the service at {@code address} ({@code full}: always from the service). Fails as the service's reply does.
   */
  Future<JsonObject> ownerOf(String address, String id, boolean full) {
    String owner = full ? null : owners.get(id);
    if (owner != null) {
      return Future.succeededFuture(new JsonObject().put("id", id).put("owner", owner.isEmpty() ? null : owner));
    }
    return vertx.eventBus().<Object>request(address, new JsonObject().put("id", id),
        new DeliveryOptions().addHeader(Headers.ACTION, "info").setSendTimeout(CommandForwarder.COMMAND_TIMEOUT_MILLIS))
      .compose(m -> {
        if (m.body() instanceof JsonObject info) {
          remember(info);
          return Future.succeededFuture(info);
        }
        return Future.failedFuture("info of " + id + " is not an object");
      });
  }

  /** The cached owner of {@code id} ({@code ""} for none), or {@code null} when it is not cached. */
  String cached(String id) {
    return owners.get(id);
  }

  /** Remembers the owner of a {@code ProcessInfo} (a spawn's reply, say). */
  void remember(JsonObject info) {
    Object id = info.getValue("id");
    if (id instanceof String i) {
      String owner = info.getString("owner");
      owners.put(i, owner == null ? "" : owner);
    }
  }

  /** Whether {@code principal} may see and command a process of {@code owner}. */
  boolean visible(Principal principal, String owner) {
    return principal.name().equals(owner) || policy.seesAll(principal);
  }
}
