package io.procbus.verticle;

import io.procbus.ops.ServiceMonitor;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The owners' leases of one service instance: every command of an owner renews its lease; an owner that stops
 * renewing (its JVM died, its node was cut off) loses its non-detached processes when the lease expires, and so
 * does an owner that releases them. A run in progress keeps its owner's lease alive. Used on the service's
 * context only.
 */
final class Leases {

  private final ContextInternal context;
  private final ServiceSettings settings;
  private final ProcessTable table;
  private final ServiceMonitor monitor;
  /** Owner → lease expiry, in milliseconds of {@link System#nanoTime()}. */
  private final Map<String, Long> expiries = new HashMap<>();
  private long checks;
  private long timer = -1;

  Leases(ContextInternal context, ServiceSettings settings, ProcessTable table, ServiceMonitor monitor) {
    this.context = context;
    this.settings = settings;
    this.table = table;
    this.monitor = monitor;
  }

  /** Starts the periodic check, four times per lease (between 10 ms and 1 s apart). */
  void start() {
    long period = Math.max(10, Math.min(1000, settings.leaseMillis() / 4));
    timer = context.setPeriodic(period, t -> expire());
  }

  /** Stops the periodic check. */
  void stop() {
    if (timer != -1) {
      context.owner().cancelTimer(timer);
      timer = -1;
    }
  }

  /** Extends {@code owner}'s lease by {@code leaseMillis} from now. */
  void renew(String owner) {
    expiries.put(owner, nowMillis() + settings.leaseMillis());
  }

  /** Ends {@code owner}'s lease now: terminates its processes; completes once all exited. */
  Future<Void> release(String owner) {
    expiries.remove(owner);
    return terminate(owner, "released", "owner " + owner + " released its processes");
  }

  /** Number of checks run so far. */
  long checks() {
    return checks;
  }

  private void expire() {
    checks++;
    long now = nowMillis();
    List<String> expired = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (e.getValue() - now <= 0) {
        if (table.hasRunInProgress(e.getKey())) {
          e.setValue(now + settings.leaseMillis()); // a run's reply is its owner's proof of life
        } else {
          it.remove();
          expired.add(e.getKey());
        }
      }
    }
    for (String owner : expired) {
      monitor.leaseExpired(owner, table.liveOf(owner));
      terminate(owner, "lease-expired", "the lease of owner " + owner + " expired");
    }
  }

  /** Gives up and terminates (TERM, grace, KILL) the owner's non-detached processes; completes once all exited. */
  private Future<Void> terminate(String owner, String reason, String message) {
    List<Future<Void>> exits = new ArrayList<>();
    for (ManagedProcess p : table.all()) {
      if (owner.equals(p.owner) && !p.detached && p.giveUp(reason, message)) {
        exits.add(p.terminate(settings.killGraceMillis()));
      }
    }
    return Future.all(exits).mapEmpty();
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }
}
