package io.procbus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.engine.CredentialsTest;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CredentialsTest} through the bus: {@code user}, {@code group}, {@code extraGroups} and {@code umask}
 * travel in the spawn command's options; {@code passFds}, which names descriptors of the caller's process, is
 * refused before anything is sent.
 */
class RemoteCredentialsTest extends CredentialsTest {

  @Override
  protected ProcessEngine createEngine(Vertx vertx) throws Exception {
    vertx.deployVerticle(new ProcessVerticle()).await(10, TimeUnit.SECONDS);
    return ProcessClient.create(vertx);
  }

  @Override
  protected void passedFdsStayOpenAtTheirNumbersAndNoOtherDoes(Path dir) {
    // in-JVM engine only
  }

  @Override
  protected void passFdsRefusesStandardStreamsAndClosedFds() {
    // in-JVM engine only
  }

  @Test
  @Timeout(30)
  void passFdsIsRefusedByAClient() throws Exception {
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(engine.exec(List.of("true"), opts().passFds(List.of(5))))
      .code());
    assertEquals(null, opts().passFds(List.of(5)).toJson().getValue("passFds"), "passFds has no JSON form");
  }
}
