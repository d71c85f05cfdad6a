package io.procbus.engine;

import io.procbus.api.EngineOptions;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessEngineProvider;
import io.vertx.core.Vertx;

/**
 * Registers {@link LocalProcessEngine} as the engine of {@link ProcessEngine#create} (through
 * {@code META-INF/services}; public only because {@link java.util.ServiceLoader} instantiates it).
 */
public final class LocalProcessEngineProvider implements ProcessEngineProvider {

  @Override
  public ProcessEngine create(Vertx vertx, EngineOptions options) {
    return new LocalProcessEngine(vertx, options);
  }
}
