package io.procbus.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A child's stdin, as a bounded write queue. asyncio: {@code Process.stdin} ({@code StreamWriter}).
 *
 * <p>{@link #write} queues the bytes and completes once they were written to the pipe. The queue holds
 * at most {@link #getWriteQueueMaxSize()} bytes: {@link #writeQueueFull()} says when to stop and
 * {@link #drainHandler}/{@link #drain()} when to go on. A write made while the queue already holds twice the
 * maximum fails with {@link ErrorCode#STDIN_FULL} instead of growing memory, so the queue holds at most that
 * plus the one buffer handed over. Futures complete and handlers run on the
 * context that started the process.
 *
 * <p><em>Errors:</em> a write after {@link #end()} fails with {@link ErrorCode#BROKEN_PIPE}; a write the
 * child cannot receive any more (it closed stdin or exited) fails with {@link ErrorCode#BROKEN_PIPE} or
 * {@link ErrorCode#CONNECTION_RESET}.
 */
public interface StdinWriter extends WriteStream<Buffer> {

  /** Default queue size: 64 KiB, asyncio's high-water mark. */
  int DEFAULT_WRITE_QUEUE_MAX_SIZE = 65_536;

  /** Completes when the queue is at or below its low mark, or fails as pending writes failed. asyncio: {@code drain()}. */
  Future<Void> drain();

  /** Closes stdin once the queued bytes are written; the child then reads EOF. asyncio: {@code stdin.close()}. */
  @Override
  Future<Void> end();

  /** Bytes queued and not yet written to the pipe. */
  int writeQueueSize();

  /** The maximum queue size, in bytes. */
  int getWriteQueueMaxSize();

  /** Whether the pipe is closed (by {@link #end()} or by the child). */
  boolean isClosed();

  @Override
  StdinWriter exceptionHandler(Handler<Throwable> handler);

  @Override
  StdinWriter setWriteQueueMaxSize(int maxSize);

  @Override
  StdinWriter drainHandler(Handler<Void> handler);
}
