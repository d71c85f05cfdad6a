package io.procbus.ops;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * Stops a node on SIGTERM (and SIGINT) in a bounded time, logging each step, then exits with 128 + the signal.
 *
 * <p>The steps: the node's parts are undeployed in reverse (the operations endpoint first, so readiness goes
 * away; the process service last, which refuses new spawns, sends TERM to every child, KILL after
 * {@code engine.killGraceMillis}, and completes once every child is reaped — each logged by the service); then
 * Vert.x closes and leaves the cluster; then the JVM exits. If that takes longer than the bound, the node
 * exits anyway, saying so.
 *
 * <p>Why not the JVM's shutdown hooks alone: they run concurrently, and the logging system's own hook may
 * close the log before the steps are written. Handling the signal first keeps every line.
 */
public final class GracefulShutdown {

  private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());

  private final Vertx vertx;
  private final long boundMillis;
  private final AtomicBoolean stopping = new AtomicBoolean();

  private GracefulShutdown(Vertx vertx, long boundMillis) {
    this.vertx = vertx;
    this.boundMillis = boundMillis;
  }

  /** Handles SIGTERM and SIGINT for {@code vertx}: stop within {@code boundMillis}, then exit. */
  public static void install(Vertx vertx, long boundMillis) {
    GracefulShutdown shutdown = new GracefulShutdown(vertx, boundMillis);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), shutdown::onSignal);
    }
  }

  private void onSignal(Signal signal) {
    if (!stopping.compareAndSet(false, true)) {
      return; // a second signal while stopping: the first stop goes on, still bounded
    }
    Thread stopper = new Thread(() -> stop(signal), "procbus-shutdown");
    stopper.start();
  }

  private void stop(Signal signal) {
    long start = System.nanoTime();
    boolean clustered = vertx.isClustered();
    LOG.info("procbus: SIG" + signal.getName() + " received: stopping the node (at most " + boundMillis + " ms)");
    int status = 128 + signal.getNumber();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(boundMillis, TimeUnit.MILLISECONDS);
      LOG.info("procbus: Vert.x closed" + (clustered ? ", left the cluster" : "") + " in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; exiting with status " + status);
    } catch (TimeoutException e) {
      LOG.severe("procbus: not stopped within " + boundMillis + " ms; exiting with status " + status + " anyway");
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "procbus: the stop failed; exiting with status " + status, e);
    }
    System.exit(status);
  }
}
