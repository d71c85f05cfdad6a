/**
 * The event-bus service: {@link io.procbus.verticle.ProcessVerticle} owns a process engine and serves it as
 * the {@link io.procbus.api.ProcessService} proxy, publishing each child's events on its own address.
 * Implementation: callers use {@code io.procbus.api}, {@code io.procbus.protocol} and
 * {@code io.procbus.client}.
 */
package io.procbus.verticle;
