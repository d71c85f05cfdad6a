package io.procbus.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * A running or finished child process, the Java form of asyncio's {@code asyncio.subprocess.Process}.
 *
 * <p>The same interface is implemented by the in-JVM engine and by the remote client over the event bus.
 * Futures complete, and stream handlers run, on {@link #context()}: the context that started the process.
 * Methods may be called from any thread; they are carried out on that context, in call order.
 *
 * <p>Two moments are observable: <b>exit</b> ({@link #waitFor()}: the child died and was reaped; every
 * byte the child itself wrote was delivered to the readers first) and <b>closed</b> ({@link #closed()}:
 * also every pipe reached EOF — a grandchild holding stdout open delays this one, never exit).
 *
 * <p><em>Caveats:</em> as in asyncio, waiting for exit while not reading a piped stdout or stderr that the
 * child fills deadlocks under back-pressure: the child blocks in {@code write()} once the pipe and
 * {@code 2 × limit} bytes are full. Read the streams, or use {@link #communicate}.
 */
public interface ChildProcess {

  /** The OS process id (information, not identity: it may be reused after exit). asyncio: {@code pid}. */
  int pid();

  /** The exit code, {@code -N} after death by signal N, or {@code null} while running. asyncio: {@code returncode}. */
  Integer returnCode();

  /** How the child ended, or {@code null} while running. */
  ExitStatus exitStatus();

  /**
   * Completes with {@link #returnCode()} when the child has exited; never blocks. asyncio: {@code wait()}
   * (named {@code waitFor} because Java's {@code Object.wait()} is final).
   */
  Future<Integer> waitFor();

  /** Completes when the child has exited and every pipe reached EOF (asyncio's {@code connection_lost}). */
  Future<Void> closed();

  /**
   * Writes {@code input} to stdin (then closes it), reads stdout and stderr to EOF and waits for exit, all
   * at once so that large input and output cannot deadlock. asyncio: {@code communicate(input)}.
   *
   * <p>{@code input == null} still closes a piped stdin. A child that closes stdin early does not fail the
   * call: {@link CommunicateResult#inputDelivered()} is then false.
   *
   * <p><em>Errors:</em> {@link ErrorCode#INVALID_ARGUMENT} for input without a stdin pipe.
   */
  Future<CommunicateResult> communicate(Buffer input);

  /** {@link #communicate(Buffer)} with no input. */
  default Future<CommunicateResult> communicate() {
    return communicate(null);
  }

  /**
   * {@link #communicate(Buffer)} with a deadline: when it passes, the child is killed (SIGKILL) and the
   * future fails with {@link ErrorCode#TIMEOUT}.
   */
  Future<CommunicateResult> communicate(Buffer input, Duration timeout);

  /**
   * Sends signal {@code signum} to the child. asyncio: {@code send_signal()}.
   *
   * <p><em>Errors:</em> {@link ErrorCode#PROCESS_LOOKUP} once the exit was observed (nothing is sent, so a
   * reused pid is never hit); {@link ErrorCode#INVALID_ARGUMENT} for a number outside 1–64.
   */
  Future<Void> sendSignal(int signum);

  /** Sends {@code signal} to the child; see {@link #sendSignal(int)}. */
  default Future<Void> sendSignal(Signal signal) {
    return sendSignal(signal.number());
  }

  /**
   * Sends signal {@code signum} to the child's whole process group (shell pipelines, grandchildren).
   *
   * <p><em>Errors:</em> as {@link #sendSignal(int)}; {@link ErrorCode#INVALID_ARGUMENT} unless the child was
   * started with {@link ProcessOptions#setNewProcessGroup} or {@link ProcessOptions#setNewSession}.
   */
  Future<Void> sendGroupSignal(int signum);

  /**
   * Sets the window size of the child's pseudo-terminal ({@link ProcessOptions#setTerminal}); the kernel sends
   * SIGWINCH to the terminal's foreground process group.
   *
   * <p><em>Errors:</em> {@link ErrorCode#INVALID_ARGUMENT} when the child has no terminal or a side is outside
   * {@value TerminalSize#MIN}–{@value TerminalSize#MAX}; {@link ErrorCode#PROCESS_LOOKUP} once the exit was
   * observed.
   */
  Future<Void> resize(int cols, int rows);

  /** SIGTERM. asyncio: {@code terminate()}. */
  default Future<Void> terminate() {
    return sendSignal(Signal.TERM.number());
  }

  /** SIGKILL. asyncio: {@code kill()}. */
  default Future<Void> kill() {
    return sendSignal(Signal.KILL.number());
  }

  /** The stdin writer, or {@code null} when stdin is not a pipe. asyncio: {@code stdin}. */
  StdinWriter stdin();

  /** The stdout reader, or {@code null} when stdout is not a pipe. asyncio: {@code stdout}. */
  StreamReader stdout();

  /** The stderr reader, or {@code null} when stderr is not a pipe. asyncio: {@code stderr}. */
  StreamReader stderr();

  /** The context futures complete on. */
  Context context();
}
