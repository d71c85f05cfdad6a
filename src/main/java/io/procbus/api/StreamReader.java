package io.procbus.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A child's stdout or stderr, read the way asyncio's {@code StreamReader} reads it.
 *
 * <p>The reader keeps a buffer. When it holds more than {@code 2 × limit} bytes the pipe is paused: the
 * engine stops reading it and the child blocks in {@code write()}. Reading the buffer down to at most
 * {@code limit} bytes resumes it. A read that needs more than the buffer holds ({@link #readExactly},
 * {@link #read()} to EOF, a long {@link #readUntil}) resumes the pipe by itself, so it never deadlocks.
 *
 * <p>Only one read may be pending at a time; a second one fails with {@link ErrorCode#CONCURRENT_READ}.
 * The {@link ReadStream} view ({@link #handler}, {@link #pause}, {@link #resume}, {@link #fetch},
 * {@link #endHandler}) is the other way to consume the stream: while a handler is set, the read methods
 * fail with {@link ErrorCode#CONCURRENT_READ}. Futures complete and handlers run on the context that
 * started the process.
 */
public interface StreamReader extends ReadStream<Buffer> {

  /** asyncio's default buffer limit: 64 KiB. */
  int DEFAULT_LIMIT = 65_536;

  /** The buffer limit of this stream, in bytes. */
  int limit();

  /**
   * Reads up to {@code n} bytes: completes as soon as at least one byte is buffered, or with an empty
   * buffer at EOF. {@code n < 0} reads to EOF; {@code n == 0} completes at once with an empty buffer.
   * asyncio: {@code StreamReader.read(n)}.
   */
  Future<Buffer> read(int n);

  /** Reads to EOF. asyncio: {@code StreamReader.read()}. */
  default Future<Buffer> read() {
    return read(-1);
  }

  /**
   * Reads one line, ending with {@code \n}; at EOF the partial last line, or an empty buffer.
   * asyncio: {@code StreamReader.readline()}.
   *
   * <p><em>Errors:</em> {@link ErrorCode#LINE_TOO_LONG} when the line (separator excluded) is longer
   * than {@link #limit()}: the whole line, through its {@code \n} if present, is discarded.
   */
  Future<Buffer> readLine();

  /**
   * Reads exactly {@code n} bytes ({@code n} may exceed the limit). asyncio: {@code readexactly(n)}.
   *
   * <p><em>Errors:</em> {@link IncompleteReadException} when EOF comes first (its bytes are consumed);
   * {@link ErrorCode#INVALID_ARGUMENT} when {@code n < 0}.
   */
  Future<Buffer> readExactly(int n);

  /**
   * Reads up to and including {@code separator}. asyncio: {@code readuntil(separator)}.
   *
   * <p><em>Errors:</em> {@link LimitOverrunException} when no separator ends within {@code limit} bytes
   * (the data stays buffered); {@link IncompleteReadException} at EOF (the bytes are consumed);
   * {@link ErrorCode#INVALID_ARGUMENT} for an empty separator.
   */
  Future<Buffer> readUntil(Buffer separator);

  /** True once EOF was received and the buffer is empty. asyncio: {@code at_eof()}. */
  boolean atEof();

  /** The error the stream failed with, or {@code null}. asyncio: {@code exception()}. */
  Throwable exception();

  /** Number of bytes held in the buffer now. */
  int buffered();

  @Override
  StreamReader exceptionHandler(Handler<Throwable> handler);

  @Override
  StreamReader handler(Handler<Buffer> handler);

  @Override
  StreamReader pause();

  @Override
  StreamReader resume();

  @Override
  StreamReader fetch(long amount);

  @Override
  StreamReader endHandler(Handler<Void> endHandler);
}
