package io.procbus.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * Stops a node on SIGTERM (and SIGINT) in a bounded time, logging each step, then exits with 128 + the signal.
 *
 * <p>The steps: the node's deployment is undeployed (the operations endpoint stops answering; the process
 * service refuses new spawns, sends TERM to every child, KILL after {@code engine.killGraceMillis}, and
 * completes once every child is reaped — each step logged by the service); then Vert.x closes and leaves the
 * cluster; then the JVM exits. If that takes longer than the bound, the node exits anyway, saying so. A signal
 * before the node is deployed gets the JVM's usual handling (the launcher's shutdown hook closes Vert.x).
 *
 * <p>Why not the JVM's shutdown hooks alone: they run concurrently, and the logging system's own hook may
 * close the log before the steps are written. Handling the signal first keeps every line.
 */
public final class GracefulShutdown {

  private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());

  private final Vertx vertx;
  private final String deploymentId;
  private final long boundMillis;
  private final AtomicBoolean stopping = new AtomicBoolean();

  private GracefulShutdown(Vertx vertx, String deploymentId, long boundMillis) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.boundMillis = boundMillis;
  }

  /**
   * Handles SIGTERM and SIGINT from now on: undeploy {@code deploymentId} (the node), close {@code vertx}, all
   * within {@code boundMillis}, then exit.
   */
  public static void install(Vertx vertx, String deploymentId, long boundMillis) {
    GracefulShutdown shutdown = new GracefulShutdown(vertx, deploymentId, boundMillis);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), shutdown::onSignal);
    }
  }

  private void onSignal(Signal signal) {
    if (!stopping.compareAndSet(false, true)) {
      return; // a second signal while stopping: the first stop goes on, still bounded
    }
    Thread stopper = new Thread(() -> stop(signal), "procbus-shutdown");
    stopper.setDaemon(false); // keeps the JVM up once Vert.x's threads are gone, until the exit status is set
    stopper.start();
  }

  private void stop(Signal signal) {
    long start = System.nanoTime();
    boolean clustered = vertx.isClustered();
    LOG.info("procbus: SIG" + signal.getName() + " received: stopping the node (at most " + boundMillis + " ms)");
    int status = 128 + signal.getNumber();
    try {
      // the node first, so that its service stops (and logs) in order before Vert.x's own close hooks run
      try {
        await(vertx.undeploy(deploymentId), start);
        LOG.info("procbus: node undeployed");
      } catch (ExecutionException e) {
        LOG.log(Level.WARNING, "procbus: the node's undeployment failed; closing Vert.x", e.getCause());
      }
      // called from this thread, not from a Vert.x context that the close itself terminates
      await(vertx.close(), start);
      LOG.info("procbus: Vert.x closed" + (clustered ? ", left the cluster" : "") + " in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; exiting with status " + status);
    } catch (TimeoutException e) {
      LOG.severe("procbus: not stopped within " + boundMillis + " ms; exiting with status " + status + " anyway");
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "procbus: the stop failed; exiting with status " + status, e);
    }
    System.exit(status);
  }

  /** Waits for {@code future} until the bound, counted from {@code start}. */
  private void await(Future<Void> future, long start) throws Exception {
    long left = boundMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    future.toCompletionStage().toCompletableFuture().get(Math.max(left, 0), TimeUnit.MILLISECONDS);
  }
}
