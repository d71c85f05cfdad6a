package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.StreamsTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@link StreamsTest} through the bus with the client's own event address (protocol version 2, as on a clustered
 * bus): every child's events come to one consumer of the client.
 */
class ClientEventsStreamsTest extends StreamsTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx, new ProcessClientOptions().setClientEvents(true));
  }
}
