package io.procbus.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * A child's stdin pipe. asyncio: {@code WriteTransport}.
 *
 * <p>Writes are queued and written as the child reads. Above the high mark the protocol gets
 * {@code pauseWriting()}, at the low mark {@code resumeWriting()}. A write made while the queue already holds
 * {@link #maxBufferSize()} bytes fails with {@link ErrorCode#STDIN_FULL}, so the queue holds at most that plus
 * one write.
 */
public interface WritePipeTransport extends PipeTransport {

  /** Queues {@code data}; completes once it was written to the pipe. asyncio: {@code write()}. */
  Future<Void> write(Buffer data);

  /** Closes stdin once queued bytes are written. asyncio: {@code write_eof()}. */
  void writeEof();

  /** Drops queued bytes and closes stdin now. asyncio: {@code abort()}. */
  void abort();

  /** Bytes queued and not yet written. asyncio: {@code get_write_buffer_size()}. */
  int writeBufferSize();

  /** Sets the high and low marks. asyncio: {@code set_write_buffer_limits(high, low)}. */
  void setWriteBufferLimits(int high, int low);

  /** The hard bound of the queue: twice the high mark. */
  int maxBufferSize();
}
