package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.TerminalTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** {@link TerminalTest} through the bus: a {@link ProcessVerticle} serves, a {@link ProcessClient} is the engine. */
class RemoteTerminalTest extends TerminalTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx);
  }
}
