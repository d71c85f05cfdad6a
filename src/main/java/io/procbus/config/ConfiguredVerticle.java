package io.procbus.config;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * A part of a node that runs with {@link ProcbusOptions}: the options its node read once and handed to it, or,
 * deployed alone with {@code DeploymentOptions.setConfig}, its own config read strictly at start.
 */
public abstract class ConfiguredVerticle extends VerticleBase {

  private final ProcbusOptions given;

  /** A part with the options a node read and checked already, or {@code null} to read its config at start. */
  protected ConfiguredVerticle(ProcbusOptions options) {
    this.given = options;
  }

  /** Starts with the options it was given, or with its config read by {@link ProcbusOptions#fromConfig}. */
  @Override
  public final Future<?> start() {
    ProcbusOptions options;
    try {
      options = given != null ? given : ProcbusOptions.fromConfig(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e); // a bad key fails the deployment, naming the key
    }
    return start(options);
  }

  /** Starts the part with {@code options}, read and checked. */
  protected abstract Future<?> start(ProcbusOptions options);
}
