package io.procbus.verticle;

/**
 * What the service keeps of each process's events for {@code replay}: at most {@code maxBytes} of chunk data
 * and {@code maxEvents} events per process, and the events of at most {@code maxClosed} closed processes.
 */
record ReplayBounds(int maxBytes, int maxEvents, int maxClosed) {
}
