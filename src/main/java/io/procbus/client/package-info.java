/**
 * The Java client of a procbus service: {@link io.procbus.client.ProcessClient} is a
 * {@link io.procbus.api.ProcessEngine} whose children run in a {@code ProcessVerticle} reached over the event
 * bus, with the same {@link io.procbus.api.ChildProcess} and low-level protocol API as the in-JVM engine;
 * {@link io.procbus.client.ProcessObserver} follows any process's events without slowing it.
 */
package io.procbus.client;
