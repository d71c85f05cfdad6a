package io.procbus.testing;

import io.procbus.api.ProcessEngine;
import io.vertx.core.Vertx;

/**
 * Where a shared suite's children run when not in the test JVM: the Vert.x the suite uses, the engine it spawns
 * with, and the JVM that is their parent, which the suite's probes check.
 */
public interface Placement {

  /** The Vert.x of the suite. */
  Vertx vertx() throws Exception;

  /** The engine the suite spawns with, on {@code vertx}. */
  ProcessEngine engine(Vertx vertx) throws Exception;

  /** The JVM that is the parent of the engine's children. */
  ChildHost host() throws Exception;
}
