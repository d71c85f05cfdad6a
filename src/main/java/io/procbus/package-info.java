/**
 * procbus: subprocesses as a Vert.x 5 service.
 *
 * <p>{@link io.procbus.api} is what a caller imports; {@code engine} is the implementation.
 */
@ModuleGen(name = "procbus", groupPackage = "io.procbus")
package io.procbus;

import io.vertx.codegen.annotations.ModuleGen;
