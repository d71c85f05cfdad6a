package io.procbus.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's bus example, run: a ProcessVerticle, then a verticle that lists {@code /} through it. */
class LsOverTheBusExampleTest {

  @Test
  @Timeout(20)
  void anotherVerticleListsTheRootDirectoryThroughTheBus() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      vertx.deployVerticle(new ProcessVerticle()).await(10, SECONDS);
      LsOverTheBusExample example = new LsOverTheBusExample();
      vertx.deployVerticle(example).await(10, SECONDS);
      assertTrue(example.listing.contains("tmp"), example.listing);
    } finally {
      vertx.close().await(20, SECONDS);
    }
  }
}
