package io.procbus.launcher;

import io.procbus.bridge.BridgeVerticle;
import io.procbus.config.ConfiguredVerticle;
import io.procbus.config.ProcbusOptions;
import io.procbus.ops.OperationsVerticle;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;

/**
 * One procbus node: the parts the configuration turns on, deployed in order and undeployed in reverse.
 *
 * <p>The {@link ProcessVerticle} comes first, so that nothing can reach the node before its service is bound;
 * on stop, the parts deployed after it go first, so that no new request reaches a service that is stopping.
 * The configuration is the whole {@link ProcbusOptions} JSON, read once here (or by the launcher) and handed to
 * every part as typed options; each part uses its own section.
 */
public class NodeVerticle extends ConfiguredVerticle {

  private static final Logger LOG = Logger.getLogger(NodeVerticle.class.getName());

  private final Deque<String> deployed = new ArrayDeque<>();
  private volatile BridgeVerticle bridge;

  /** A node that reads its config at start, strictly. */
  public NodeVerticle() {
    this(null);
  }

  /** A node with the options its launcher read and checked already ({@link ProcbusOptions#fromConfig}). */
  public NodeVerticle(ProcbusOptions options) {
    super(options);
  }

  @Override
  protected Future<?> start(ProcbusOptions options) {
    DeploymentOptions part = new DeploymentOptions().setConfig(config());
    return deploy(new ProcessVerticle(options), part)
      .compose(id -> deploy(new OperationsVerticle(options), part))
      .compose(v -> options.getBridges().getTcp().isEnabled() || options.getBridges().getSockjs().isEnabled()
        ? deploy(bridge = new BridgeVerticle(options), part) : Future.succeededFuture(v)) // last in, first out
      .recover(e -> undeployNext().transform(ar -> Future.failedFuture(e))) // no part outlives a failed start
      .onSuccess(v -> LOG.info("procbus node ready (prefix " + options.getPrefix() + ")"));
  }

  /**
   * Deploys a part from a context of no deployment, so that it is not this verticle's child: Vert.x undeploys
   * children all at once before {@link #stop()} runs, and the parts must stop in reverse order.
   */
  private Future<String> deploy(VerticleBase verticle, DeploymentOptions deploymentOptions) {
    Promise<String> done = ((ContextInternal) context).promise();
    ((VertxInternal) vertx).createEventLoopContext().runOnContext(v ->
      vertx.deployVerticle(verticle, deploymentOptions).onComplete(done));
    return done.future().onSuccess(deployed::push);
  }

  /** The TCP bridge's bound port, or -1 when it is off or not started. */
  public int tcpPort() {
    BridgeVerticle b = bridge;
    return b == null ? -1 : b.tcpPort();
  }

  /** The SockJS bridge's bound port, or -1 when it is off or not started. */
  public int sockJsPort() {
    BridgeVerticle b = bridge;
    return b == null ? -1 : b.sockJsPort();
  }

  @Override
  public Future<?> stop() {
    return undeployNext();
  }

  private Future<Void> undeployNext() {
    String id = deployed.poll();
    if (id == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(id).transform(ar -> undeployNext());
  }
}
