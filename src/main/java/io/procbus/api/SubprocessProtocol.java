package io.procbus.api;

import io.vertx.core.buffer.Buffer;

/**
 * Callbacks of the low-level API. asyncio: {@code asyncio.SubprocessProtocol}.
 *
 * <p>Order: {@link #connectionMade} first, once; then, per fd, every {@link #pipeDataReceived} before its
 * {@link #pipeConnectionLost}; {@link #processExited} once, after every byte the child itself wrote was
 * delivered (bytes a grandchild writes later may follow it); {@link #connectionLost} last, once, after exit
 * and after every pipe was lost. All run on the context that started the process. What a callback throws
 * goes to that context's exception handler and stops nothing else. The default methods do nothing.
 */
public interface SubprocessProtocol {

  /** The child is started; {@code transport} controls it. */
  default void connectionMade(SubprocessTransport transport) {
  }

  /** The child wrote {@code data} to fd 1 (stdout) or 2 (stderr). Never empty. */
  default void pipeDataReceived(int fd, Buffer data) {
  }

  /** Pipe {@code fd} is closed: EOF for 1 and 2, closed for 0; {@code error} is {@code null} or why. */
  default void pipeConnectionLost(int fd, Throwable error) {
  }

  /** The child exited; {@link SubprocessTransport#returnCode()} is set. */
  default void processExited() {
  }

  /** The child exited and every pipe is closed; {@code error} is {@code null} unless the connection broke. */
  default void connectionLost(Throwable error) {
  }

  /** The stdin queue went above its high mark. asyncio: {@code pause_writing()}. */
  default void pauseWriting() {
  }

  /** The stdin queue went back to its low mark. asyncio: {@code resume_writing()}. */
  default void resumeWriting() {
  }
}
