package io.procbus.engine.linux;

/**
 * A started child: its pid, its pidfd, and the engine's ends of its pipes ({@code -1} where a stream is
 * not a pipe). The caller owns every fd.
 */
public record SpawnedChild(int pid, int pidfd, int stdinFd, int stdoutFd, int stderrFd) {
}
