package io.procbus.api;

import io.vertx.core.Future;

/**
 * Control of a child started with the low-level API. asyncio: {@code asyncio.SubprocessTransport}.
 *
 * <p>Calls are made on the context that started the process (other threads are hopped onto it).
 */
public interface SubprocessTransport {

  /** The OS process id. asyncio: {@code get_pid()}. */
  int pid();

  /** The exit code, {@code -N} after signal N, or {@code null} while running. asyncio: {@code get_returncode()}. */
  Integer returnCode();

  /** How the child ended, or {@code null} while running. */
  ExitStatus exitStatus();

  /**
   * The pipe of fd 0, 1 or 2, or {@code null} when that stream is not a pipe (or, for 2, merged into
   * stdout). fd 0 is a {@link WritePipeTransport}, 1 and 2 are {@link ReadPipeTransport}s.
   * asyncio: {@code get_pipe_transport(fd)}.
   */
  PipeTransport pipe(int fd);

  /** Sends a signal; fails with {@link ErrorCode#PROCESS_LOOKUP} once the exit was observed. asyncio: {@code send_signal()}. */
  Future<Void> sendSignal(int signum);

  /** Sends a signal to the child's process group; see {@link ChildProcess#sendGroupSignal}. */
  Future<Void> sendGroupSignal(int signum);

  /** The window size of the child's pseudo-terminal (the latest resize), or {@code null} when it has none. */
  TerminalSize terminalSize();

  /** Sets the window size of the child's pseudo-terminal; see {@link ChildProcess#resize}. */
  Future<Void> resize(int cols, int rows);

  /** SIGTERM. asyncio: {@code terminate()}. */
  default Future<Void> terminate() {
    return sendSignal(Signal.TERM.number());
  }

  /** SIGKILL. asyncio: {@code kill()}. */
  default Future<Void> kill() {
    return sendSignal(Signal.KILL.number());
  }

  /**
   * Closes every pipe and, if the child has not exited, kills it (SIGKILL). Idempotent; a no-op after the
   * child finished. The protocol still gets {@code processExited} and {@code connectionLost}.
   * asyncio: {@code close()}.
   */
  void close();

  /** Whether {@link #close()} was called. */
  boolean isClosing();
}
