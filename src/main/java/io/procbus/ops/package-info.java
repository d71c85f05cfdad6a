/**
 * What an operator touches at run time: the lifecycle log and the Prometheus metrics of the process service
 * ({@link io.procbus.ops.ServiceMonitor}), the health and metrics HTTP endpoint
 * ({@link io.procbus.ops.OperationsVerticle}) and the graceful stop on SIGTERM
 * ({@link io.procbus.ops.GracefulShutdown}). Implementation: callers never import it, except the edge's
 * denied-request hook {@link io.procbus.ops.ServiceMonitor#denied}.
 */
package io.procbus.ops;
