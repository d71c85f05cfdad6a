package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.ResourceUsageTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** {@link ResourceUsageTest} through the bus: the usage travels in the {@code exit} event. */
class RemoteResourceUsageTest extends ResourceUsageTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx);
  }
}
