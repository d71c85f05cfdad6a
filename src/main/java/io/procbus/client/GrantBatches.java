package io.procbus.client;

import io.procbus.protocol.Control;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The client's grants to services of protocol version 2, in batches: the grants for one control address made
 * before the end of the event-loop turn of the first of them go out as one control message (a single one in the
 * one-grant form). Credit adds up, so batches from several contexts may arrive in any order; the first grant of a
 * child still attaches it. Any thread.
 */
final class GrantBatches {

  private final EventBus bus;
  private final String owner;
  /** Grants waiting, by control address. Guarded by {@code this}. */
  private final Map<String, JsonArray> pending = new HashMap<>();

  GrantBatches(EventBus bus, String owner) {
    this.bus = bus;
    this.owner = owner;
  }

  /** Adds credit to process {@code id} at {@code control}; sent at the end of {@code context}'s turn at the latest. */
  void grant(ContextInternal context, String control, String id, Long stdout, Long stderr) {
    JsonObject grant = new JsonObject().put(Control.ID, id);
    if (stdout != null) {
      grant.put(Control.STDOUT, stdout);
    }
    if (stderr != null) {
      grant.put(Control.STDERR, stderr);
    }
    boolean first;
    synchronized (this) {
      JsonArray batch = pending.get(control);
      first = batch == null;
      if (first) {
        batch = new JsonArray();
        pending.put(control, batch);
      }
      batch.add(grant);
    }
    if (first) {
      context.runOnContext(v -> flush(control));
    }
  }

  private void flush(String control) {
    JsonArray batch;
    synchronized (this) {
      batch = pending.remove(control);
    }
    if (batch.size() == 1) {
      bus.send(control, batch.getJsonObject(0).put(Control.OWNER, owner));
    } else {
      bus.send(control, new JsonObject().put(Control.OWNER, owner).put(Control.GRANTS, batch));
    }
  }
}
