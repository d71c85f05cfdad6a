package io.procbus.client;

import io.procbus.client.ProcessClientImpl.Instance;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the client's children alive: every {@code leaseRenewMillis} (on the client's own context) renews the
 * owner's lease on each instance that has open children, and at close releases the owner on every instance
 * used (the service then terminates its children). An instance nobody serves any more is reported
 * {@code gone}.
 */
final class Leases {

  private static final Logger LOG = Logger.getLogger(Leases.class.getName());

  private final VertxInternal vertx;
  private final Routes routes;
  private final String owner;
  private final Consumer<Instance> gone;
  private final long timer;

  /** Renews every {@code renewMillis} on {@code context}; never when it is 0. */
  Leases(VertxInternal vertx, ContextInternal context, long renewMillis, Routes routes, String owner,
         Consumer<Instance> gone) {
    this.vertx = vertx;
    this.routes = routes;
    this.owner = owner;
    this.gone = gone;
    this.timer = renewMillis > 0 ? context.setPeriodic(renewMillis, t -> renew()) : -1;
  }

  private void renew() {
    for (Instance instance : routes.instances()) {
      if (instance.open().get() > 0) {
        instance.commands().renewLease(owner).onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            gone.accept(instance);
          } else {
            LOG.log(Level.FINE, "lease renewal at " + instance.address() + " failed", e);
          }
        });
      }
    }
  }

  /** Stops renewing and releases the owner on every instance used; one future per instance. */
  List<Future<Void>> releaseAll() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> released = new ArrayList<>();
    for (Instance instance : routes.instances()) {
      released.add(instance.commands().release(owner));
    }
    return released;
  }
}
