package io.procbus.api;

/** One pipe of a child. asyncio: {@code ReadTransport}/{@code WriteTransport} of {@code get_pipe_transport}. */
public interface PipeTransport {

  /** The child's fd this pipe is connected to: 0, 1 or 2. */
  int fd();

  /** Closes the pipe (stdin: once queued bytes are written). The protocol gets {@code pipeConnectionLost}. */
  void close();

  /** Whether the pipe is closed or closing. */
  boolean isClosing();
}
