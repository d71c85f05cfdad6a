package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.ProtocolTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The low-level protocol suite through the bus: a {@link ProcessVerticle} on the event bus and a
 * {@link ProcessClient} as the engine under test, so every callback, order and error code of the suite is
 * checked on remote children too.
 */
class RemoteProtocolTest extends ProtocolTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx);
  }

  /**
   * Not a test here (no {@code @Test}: the suite's test is declared local only). Through the bus a write
   * completes with the service's acknowledgement and the service's own 64 KiB pipe takes the 32 KiB queue, so
   * the client's queue empties; {@code StdinOverBusTest} and {@code RemoteStdinTest} check the remote queue bounds.
   */
  @Override
  public void writesToANonReadingChildPauseWritingThenFailWithStdinFull() {
  }
}
