package io.procbus.launcher;

import io.procbus.bridge.BridgeVerticle;
import io.procbus.config.ProcbusOptions;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;

/**
 * One procbus node: the parts the configuration turns on, deployed in order and undeployed in reverse.
 *
 * <p>The {@link ProcessVerticle} comes first, so that nothing can reach the node before its service is bound;
 * on stop, the parts deployed after it go first, so that no new request reaches a service that is stopping.
 * The configuration is the whole {@link ProcbusOptions} JSON; each part reads its own section.
 */
public class NodeVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(NodeVerticle.class.getName());

  private final Deque<String> deployed = new ArrayDeque<>();

  @Override
  public Future<?> start() {
    ProcbusOptions options;
    try {
      options = ProcbusOptions.fromConfig(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    DeploymentOptions part = new DeploymentOptions().setConfig(config());
    return deploy(new ProcessVerticle(), part)
      .compose(v -> options.getBridges().getTcp().isEnabled() || options.getBridges().getSockjs().isEnabled()
        ? deploy(new BridgeVerticle(), part) : Future.succeededFuture(v)) // issue 5: after the service
      .onSuccess(v -> LOG.info("procbus node ready (prefix " + options.getPrefix() + ")"));
  }

  private Future<String> deploy(VerticleBase verticle, DeploymentOptions deploymentOptions) {
    return vertx.deployVerticle(verticle, deploymentOptions).onSuccess(deployed::push);
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
