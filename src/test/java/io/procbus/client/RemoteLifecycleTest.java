package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.LifecycleTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** {@link LifecycleTest} through the bus: a {@link ProcessVerticle} serves, a {@link ProcessClient} is the engine. */
class RemoteLifecycleTest extends LifecycleTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx);
  }
}
