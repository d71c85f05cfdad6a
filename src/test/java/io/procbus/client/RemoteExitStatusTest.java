package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.ExitStatusTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** {@link ExitStatusTest} through the bus: a {@link ProcessVerticle} serves, a {@link ProcessClient} is the engine. */
class RemoteExitStatusTest extends ExitStatusTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx);
  }
}
