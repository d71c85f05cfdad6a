package io.procbus.config;

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

  /**
   * The options this part runs with: the ones it was given, or its config read by {@link ProcbusOptions#fromConfig}.
   *
   * @throws IllegalArgumentException naming a bad key of the config
   */
  protected ProcbusOptions options() {
    return given != null ? given : ProcbusOptions.fromConfig(config());
  }
}
