package io.procbus.client;

import io.procbus.api.ProcessEngine;
import io.procbus.engine.ProtocolTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

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
   * Inherently local. It asserts that a write that fits in the pipe completes before {@code write()} returns
   * and that a 32 KiB queue stays full against a child that does not read. Remotely a write completes with
   * the service's acknowledgement, and the service's own stdin pipe (64 KiB) takes those 32 KiB, so the
   * client's queue empties. The remote queue bounds are checked by
   * {@link StdinOverBusTest} and {@link RemoteStdinTest}.
   */
  @Test
  @Disabled("inherently local: see the javadoc")
  @Override
  public void writesToANonReadingChildPauseWritingThenFailWithStdinFull() {
  }
}
