package io.procbus.engine.linux;

/**
 * A started child: its pid, its pidfd, and the engine's ends of its pipes ({@code -1} where a stream is
 * not a pipe). The caller owns every fd. A terminal child's {@code terminalFd} is its pseudo-terminal's master,
 * and {@code stdoutFd} and {@code stdinFd} are duplicates of it (one fd per event-loop registration); otherwise
 * {@code terminalFd} is {@code -1}.
 */
public record SpawnedChild(int pid, int pidfd, int stdinFd, int stdoutFd, int stderrFd, int terminalFd) {
}
