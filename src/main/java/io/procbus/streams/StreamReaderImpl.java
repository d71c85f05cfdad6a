package io.procbus.streams;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.procbus.api.ErrorCode;
import io.procbus.api.IncompleteReadException;
import io.procbus.api.LimitOverrunException;
import io.procbus.api.ProcessException;
import io.procbus.api.StreamReader;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Objects;

/**
 * asyncio's {@code StreamReader} on a Vert.x context: a buffer fed by a pipe, read with futures or as a
 * {@link io.vertx.core.streams.ReadStream}.
 *
 * <p>All state belongs to {@code context}. The feed side ({@link #feedData}, {@link #feedEof},
 * {@link #setException}) must be called on its thread; the consumer side may be called from any thread
 * and hops to it. Futures complete, and handlers run, on {@code context}.
 *
 * <p>Back-pressure follows asyncio: after a chunk is appended, the pipe is paused when the buffer holds
 * more than {@code 2 × limit} bytes; it is resumed when a read leaves at most {@code limit} bytes, and
 * before any read starts waiting for data (so {@code readExactly(n > 2 × limit)}, {@code read()} to EOF
 * and long {@code readUntil}s never deadlock). A read that is waiting is not a reason to pause.
 *
 * <p><em>Concurrent reads.</em> One read may wait for data at a time. A read issued while another is
 * waiting, or while a {@link #handler} is set, fails at once with {@link ErrorCode#CONCURRENT_READ}: reads
 * are not queued, so data is never split between two readers. A read whose result is available at once
 * never waits, and so never conflicts. Setting a handler fails the waiting read, if any, with the same
 * code.
 *
 * <p><em>Stream mode.</em> While a handler is set, the buffered bytes are delivered first, as one chunk,
 * then each fed chunk is passed on as it is, without a copy, while there is demand. Without demand, chunks
 * are buffered under the same pause rule; one delivery of the whole buffer counts as one unit of demand.
 * The end handler runs once, when EOF was fed, the buffer is empty and there is demand. After
 * {@link #setException} nothing more is delivered. Vert.x futures cannot be cancelled, so asyncio's
 * cancellation cases do not arise.
 */
public final class StreamReaderImpl implements StreamReader {

  /** What the reader asks of the pipe it is fed from. Called on the context thread. */
  public interface FlowControl {

    /**
     * Stop reading the pipe. It must not feed the reader from within this call. Never called after
     * {@link #feedEof}.
     */
    void pauseReading();

    /**
     * Start reading the pipe again. It must not feed the reader from within this call. Never called after
     * {@link #feedEof}.
     */
    void resumeReading();
  }

  private final ContextInternal context;
  private final int limit;
  private final FlowControl flow;

  // Context thread only
  private final ByteBuf buf = Unpooled.buffer();
  private PendingRead waiter;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private final Demand demand = new Demand();
  private boolean draining;
  private boolean ended;

  // Any thread: written on the context thread only, read from anywhere
  private volatile int size;
  private volatile boolean eof;
  private volatile boolean paused;
  private volatile Throwable failure;

  /**
   * A reader owned by {@code context}, with asyncio's {@code limit}, pausing and resuming its pipe
   * through {@code flow}.
   *
   * @throws ProcessException {@link ErrorCode#INVALID_ARGUMENT} when {@code limit <= 0}
   */
  public StreamReaderImpl(ContextInternal context, int limit, FlowControl flow) {
    if (limit <= 0) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "limit must be positive");
    }
    this.context = Objects.requireNonNull(context, "context");
    this.limit = limit;
    this.flow = Objects.requireNonNull(flow, "flow");
  }

  // ---- feed side (the engine, on the context thread)

  /**
   * Appends a chunk of the pipe; an empty chunk does nothing (it is not EOF). The reader owns the chunk:
   * it may hand it as it is to the stream handler or to a waiting {@code read(n)}.
   *
   * @throws IllegalStateException after {@link #feedEof}
   */
  public void feedData(Buffer chunk) {
    assert context.inThread() : "feedData off the context thread";
    if (eof) {
      throw new IllegalStateException("feedData after feedEof");
    }
    int len = chunk.length();
    if (len == 0) {
      return;
    }
    Handler<Buffer> h = handler;
    if (h != null) {
      if (demand.wanted() && size == 0 && !draining && failure == null) {
        demand.take();
        context.dispatch(chunk, h);
      } else {
        append(chunk);
        drain();
      }
    } else if (waiter instanceof ReadSome && size == 0 && len <= ((ReadSome) waiter).n) {
      // The whole chunk is the answer: hand it over without a copy.
      PendingRead r = waiter;
      waiter = null;
      r.promise.complete(chunk);
    } else {
      append(chunk);
      if (waiter != null) {
        drive(waiter);
      }
    }
    if (!paused && waiter == null && size > 2L * limit) {
      paused = true;
      flow.pauseReading();
    }
  }

  /** Marks EOF: the waiting read completes, and in stream mode the end handler runs once the buffer is drained. */
  public void feedEof() {
    assert context.inThread() : "feedEof off the context thread";
    if (eof) {
      return;
    }
    eof = true;
    if (waiter != null) {
      drive(waiter);
    }
    drain();
  }

  /**
   * Fails the stream: the waiting read and every later read fail with {@code t}, which also goes to the
   * exception handler. asyncio: {@code set_exception()}.
   */
  public void setException(Throwable t) {
    assert context.inThread() : "setException off the context thread";
    failure = Objects.requireNonNull(t);
    PendingRead r = waiter;
    if (r != null) {
      waiter = null;
      r.promise.fail(t);
    }
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      context.dispatch(t, h);
    }
  }

  /** Whether this reader has paused its pipe; readable from any thread. */
  public boolean isReadingPaused() {
    return paused;
  }

  // ---- consumer side (any thread)

  @Override
  public int limit() {
    return limit;
  }

  @Override
  public Future<Buffer> read(int n) {
    return submit(n < 0 ? new ReadAll() : new ReadSome(n));
  }

  @Override
  public Future<Buffer> readLine() {
    return submit(new ReadLine());
  }

  @Override
  public Future<Buffer> readExactly(int n) {
    if (n < 0) {
      return context.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT,
        "readExactly size can not be less than zero"));
    }
    return submit(new ReadExactly(n));
  }

  @Override
  public Future<Buffer> readUntil(Buffer separator) {
    if (separator == null || separator.length() == 0) {
      return context.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT,
        "Separator should be at least one-byte string"));
    }
    return submit(new ReadUntil(separator.getBytes()));
  }

  @Override
  public boolean atEof() {
    return eof && size == 0;
  }

  @Override
  public Throwable exception() {
    return failure;
  }

  @Override
  public int buffered() {
    return size;
  }

  // ---- ReadStream view (any thread)

  @Override
  public StreamReader handler(Handler<Buffer> handler) {
    if (!context.inThread()) {
      context.runOnContext(v -> handler(handler));
      return this;
    }
    if (handler != null && waiter != null) {
      PendingRead r = waiter;
      waiter = null;
      r.promise.fail(new ProcessException(ErrorCode.CONCURRENT_READ, "a handler was set while a read was waiting"));
    }
    this.handler = handler;
    // Not now: Vert.x's Pipe calls resume() right after handler(), which would undo a pause that a chunk
    // delivered here made its handler ask for. Delivery starts in a later task, or at the next fetch().
    context.runOnContext(v -> drain());
    return this;
  }

  @Override
  public StreamReader pause() {
    if (!context.inThread()) {
      context.runOnContext(v -> pause());
      return this;
    }
    demand.pause();
    return this;
  }

  @Override
  public StreamReader resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public StreamReader fetch(long amount) {
    Demand.checkFetch(amount);
    if (!context.inThread()) {
      context.runOnContext(v -> fetch(amount));
      return this;
    }
    demand.add(amount);
    drain();
    return this;
  }

  @Override
  public StreamReader endHandler(Handler<Void> endHandler) {
    if (!context.inThread()) {
      context.runOnContext(v -> endHandler(endHandler));
      return this;
    }
    this.endHandler = endHandler;
    drain();
    return this;
  }

  @Override
  public StreamReader exceptionHandler(Handler<Throwable> handler) {
    if (!context.inThread()) {
      context.runOnContext(v -> exceptionHandler(handler));
      return this;
    }
    this.exceptionHandler = handler;
    return this;
  }

  // ---- internals (context thread)

  private Future<Buffer> submit(PendingRead r) {
    if (context.inThread()) {
      start(r);
    } else {
      context.runOnContext(v -> start(r));
    }
    return r.promise.future();
  }

  private void start(PendingRead r) {
    if (handler != null) {
      r.promise.fail(new ProcessException(ErrorCode.CONCURRENT_READ, "read while a handler is set"));
    } else if (waiter != null) {
      r.promise.fail(new ProcessException(ErrorCode.CONCURRENT_READ,
        "read called while another read is already waiting for incoming data"));
    } else {
      drive(r);
    }
  }

  /** Tries to complete {@code r} from the buffer; otherwise makes it the waiter. */
  private void drive(PendingRead r) {
    if (waiter == r) {
      waiter = null;
    }
    Throwable error = failure;
    Buffer result = null;
    if (error == null) {
      try {
        result = r.attempt();
      } catch (RuntimeException e) {
        error = e;
      }
      if (result == null && error == null) {
        assert !eof : "waiting after EOF";
        waiter = r;
        if (paused) {
          // Waiting on a paused pipe would deadlock (asyncio: _wait_for_data).
          paused = false;
          flow.resumeReading();
        }
        return;
      }
    }
    if (error != null) {
      r.promise.fail(error);
    } else {
      r.promise.complete(result);
    }
  }

  /** Delivers buffered data, then the end, to the stream-mode handlers while there is demand. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (handler != null && demand.wanted() && failure == null) {
        if (size > 0) {
          demand.take();
          context.dispatch(take(size), handler);
        } else {
          Handler<Void> h = endHandler;
          if (eof && !ended && h != null) {
            ended = true;
            context.dispatch(null, h);
          }
          break;
        }
      }
    } finally {
      draining = false;
    }
  }

  private void append(Buffer chunk) {
    if (chunk instanceof BufferInternal) {
      buf.writeBytes(((BufferInternal) chunk).getByteBuf());
    } else {
      buf.writeBytes(chunk.getBytes());
    }
    size = buf.readableBytes();
  }

  /** Removes the first {@code n} buffered bytes and returns them as a new buffer. */
  private Buffer take(int n) {
    if (n == 0) {
      return Buffer.buffer();
    }
    ByteBuf out = Unpooled.buffer(n);
    buf.readBytes(out, n);
    consumed();
    return BufferInternal.buffer(out);
  }

  private void skip(int n) {
    buf.skipBytes(n);
    consumed();
  }

  private void consumed() {
    if (buf.isReadable()) {
      buf.discardSomeReadBytes();
    } else {
      buf.clear();
    }
    size = buf.readableBytes();
    if (paused && size <= limit) {
      paused = false;
      if (!eof) {
        flow.resumeReading();
      }
    }
  }

  /** Index of {@code sep} relative to the start of the buffer, searching from {@code from}; or -1. */
  private int indexOf(byte[] sep, int from) {
    int base = buf.readerIndex();
    int end = buf.writerIndex() - sep.length + 1;
    for (int i = base + from; i < end; ) {
      int j = buf.indexOf(i, end, sep[0]);
      if (j < 0) {
        return -1;
      }
      int k = 1;
      while (k < sep.length && buf.getByte(j + k) == sep[k]) {
        k++;
      }
      if (k == sep.length) {
        return j - base;
      }
      i = j + 1;
    }
    return -1;
  }

  /** A read in progress. */
  private abstract class PendingRead {

    final PromiseInternal<Buffer> promise = context.promise();

    /** The result, or {@code null} to wait for data or EOF; throws to fail. Never {@code null} at EOF. */
    abstract Buffer attempt();
  }

  /** asyncio: {@code read(n)}, {@code n >= 0}. */
  private final class ReadSome extends PendingRead {

    final int n;

    ReadSome(int n) {
      this.n = n;
    }

    @Override
    Buffer attempt() {
      if (n == 0) {
        return Buffer.buffer();
      }
      if (size == 0 && !eof) {
        return null;
      }
      return take(Math.min(n, size));
    }
  }

  /** asyncio: {@code read(-1)}; drains the buffer on every wake-up instead of looping {@code read(limit)}. */
  private final class ReadAll extends PendingRead {

    private ByteBuf collected;

    @Override
    Buffer attempt() {
      if (size > 0) {
        if (collected == null) {
          collected = Unpooled.buffer(size);
        }
        collected.writeBytes(buf, size);
        consumed();
      }
      if (!eof) {
        return null;
      }
      return collected == null ? Buffer.buffer() : BufferInternal.buffer(collected);
    }
  }

  /** asyncio: {@code readexactly(n)}. */
  private final class ReadExactly extends PendingRead {

    final int n;

    ReadExactly(int n) {
      this.n = n;
    }

    @Override
    Buffer attempt() {
      if (n == 0) {
        return Buffer.buffer();
      }
      if (size >= n) {
        return take(n);
      }
      if (eof) {
        throw new IncompleteReadException(take(size), n);
      }
      return null;
    }
  }

  /** asyncio: {@code readuntil(separator)}. */
  private final class ReadUntil extends PendingRead {

    final byte[] separator;
    /** Bytes from the start of the buffer known not to hold the separator. */
    private int offset;

    ReadUntil(byte[] separator) {
      this.separator = separator;
    }

    @Override
    Buffer attempt() {
      int seplen = separator.length;
      int buflen = size;
      if (buflen - offset >= seplen) {
        int isep = indexOf(separator, offset);
        if (isep >= 0) {
          if (isep > limit) {
            throw new LimitOverrunException("Separator is found, but chunk is longer than limit", isep);
          }
          return take(isep + seplen);
        }
        // The last seplen - 1 bytes may be the start of a separator split across chunks.
        offset = buflen + 1 - seplen;
        if (offset > limit) {
          throw new LimitOverrunException("Separator is not found, and chunk exceed the limit", offset);
        }
      }
      if (eof) {
        throw new IncompleteReadException(take(buflen), null);
      }
      return null;
    }
  }

  /** asyncio: {@code readline()}, built on {@code readuntil(b'\n')}. */
  private final class ReadLine extends PendingRead {

    private final ReadUntil until = new ReadUntil(new byte[] {'\n'});

    @Override
    Buffer attempt() {
      try {
        return until.attempt();
      } catch (IncompleteReadException e) {
        return e.partial();
      } catch (LimitOverrunException e) {
        int consumed = e.consumed();
        if (consumed < size && buf.getByte(buf.readerIndex() + consumed) == '\n') {
          skip(consumed + 1);
        } else {
          skip(size);
        }
        throw new ProcessException(ErrorCode.LINE_TOO_LONG, e.getMessage());
      }
    }
  }
}
