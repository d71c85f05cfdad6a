package io.procbus.verticle;

import io.procbus.engine.LocalProcessEngine;
import io.procbus.ops.ServiceMonitor;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.logging.Logger;

/**
 * The stop of a service instance: every process is given up ({@code terminated} published), the engine closed
 * (TERM, grace, KILL), the children still running at the end of the grace reported, every transport closed.
 */
final class ServiceShutdown {

  private static final Logger LOG = Logger.getLogger(ServiceShutdown.class.getName());

  private final ContextInternal context;
  private final LocalProcessEngine engine;
  private final ServiceSettings settings;
  private final ProcessTable table;
  private final ServiceMonitor monitor;

  ServiceShutdown(ContextInternal context, LocalProcessEngine engine, ServiceSettings settings, ProcessTable table,
                  ServiceMonitor monitor) {
    this.context = context;
    this.engine = engine;
    this.settings = settings;
    this.table = table;
    this.monitor = monitor;
  }

  /** Runs the stop on the service's context; completes once every child is reaped and every pipe closed. */
  Future<Void> run() {
    assert context.inThread();
    for (ManagedProcess p : table.all()) {
      p.giveUp("undeployed", "the service instance " + settings.instance() + " was undeployed");
    }
    LOG.info(() -> "service instance " + settings.instance() + " stopping: new spawns refused; TERM to "
      + table.live() + " children, KILL after " + settings.killGraceMillis() + " ms");
    long killReport = context.setTimer(Math.max(1, settings.killGraceMillis()), t -> reportKills());
    return engine.close().andThen(ar -> {
      context.owner().cancelTimer(killReport);
      LOG.info(() -> "service instance " + settings.instance() + " stopped: every child reaped");
      for (ManagedProcess p : table.all()) {
        if (!p.isClosed()) {
          p.closeTransport();
        }
      }
    });
  }

  /** At the end of the grace: the engine sends KILL to the children still running; says which. */
  private void reportKills() {
    int n = 0;
    for (ManagedProcess p : table.all()) {
      if (!p.hasExited()) {
        n++;
        monitor.killed(p.id, p.pid(), p.owner, settings.killGraceMillis());
      }
    }
    int killed = n;
    LOG.info(() -> "service instance " + settings.instance() + ": KILL to " + killed + " children still running");
  }
}
