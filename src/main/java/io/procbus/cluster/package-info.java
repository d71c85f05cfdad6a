/**
 * Clustered procbus: every service instance announces itself and its load on {@code <prefix>.nodes}, keeps a
 * registry of the others, and places spawns on a named, the local or the least-loaded node by forwarding
 * them on the bus. Implementation: callers use {@code SpawnRequest.node} and {@code ProcessService.nodes()}.
 */
package io.procbus.cluster;
