package io.procbus.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Errors;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.StdinWriter;
import io.procbus.api.WritePipeTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's end of a child's stdin pipe: a bounded write queue flushed as the child reads.
 * asyncio: {@code _UnixWritePipeTransport} and {@code StreamWriter}.
 *
 * <p>A write is refused with {@link ErrorCode#STDIN_FULL} while the queue already holds
 * {@link #maxBufferSize()} bytes, so memory is bounded by that plus the one buffer a caller hands over.
 * While idle the fd is watched for nothing but errors, so a child that closes stdin (or exits) is
 * noticed even when nothing is being written.
 */
final class StdinPipe implements WritePipeTransport, StdinWriter {

  private record Pending(ByteBuf data, Promise<Void> written) {
  }

  private final EngineTransport owner;
  private final LoopFd fd;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  private final Promise<Void> closedPromise;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private int high = DEFAULT_WRITE_QUEUE_MAX_SIZE;
  private int low = DEFAULT_WRITE_QUEUE_MAX_SIZE / 4;
  private boolean closing;
  private boolean writingPaused;
  private Throwable failure;

  // Any thread: read by writeQueueFull() and writeQueueSize()
  private volatile int queued;
  // Any thread: bytes passed to write() on another thread and not yet queued on the context
  private final AtomicInteger inFlight = new AtomicInteger();

  StdinPipe(EngineTransport owner, int fd) {
    this.owner = owner;
    this.fd = new LoopFd(fd, ops -> owner.dispatch(() -> onReady(ops)));
    this.closedPromise = owner.context().promise();
  }

  LoopFd loopFd() {
    return fd;
  }

  private void onReady(int ops) {
    if ((ops & (EpollIoOps.EPOLLERR.value() | LoopFd.EPOLLHUP)) != 0) {
      if (queue.isEmpty()) {
        // asyncio's _read_ready: closed by the peer with nothing pending is a clean close; later writes and
        // drain() still fail (asyncio's drain() raises ConnectionResetError('Connection lost') then)
        failure = brokenPipe("the child closed its stdin");
        closeNow(null);
      } else {
        lose(brokenPipe("the child closed its stdin"));
      }
    } else {
      flush();
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    // counted at once, so that writeQueueFull() called right after this write from another thread sees it
    int length = data.length();
    inFlight.addAndGet(length);
    return owner.onContextFuture(() -> {
      try {
        return doWrite(data);
      } finally {
        inFlight.addAndGet(-length); // after doWrite counted it in queued: never seen as neither
      }
    });
  }

  private Future<Void> doWrite(Buffer data) {
    if (fd.isClosed() || closing) {
      return Future.failedFuture(failure != null ? failure : brokenPipe("stdin is closed"));
    }
    if (queued >= maxBufferSize()) {
      return Future.failedFuture(new ProcessException(ErrorCode.STDIN_FULL,
        "stdin queue holds " + queued + " bytes (max " + maxBufferSize() + "); wait for drain"));
    }
    ByteBuf bytes = ((BufferInternal) data).getByteBuf();
    if (!bytes.isReadable()) {
      return Future.succeededFuture();
    }
    if (queue.isEmpty()) {
      if (!writeSome(bytes)) {
        return Future.failedFuture(failure);
      }
      if (!bytes.isReadable()) {
        return Future.succeededFuture();
      }
      fd.watch(EpollIoOps.EPOLLOUT);
    }
    Promise<Void> written = owner.context().promise();
    queue.add(new Pending(bytes, written));
    queued += bytes.readableBytes();
    if (queued >= high && !writingPaused) {
      writingPaused = true;
      owner.pauseWriting();
    }
    return written.future();
  }

  /** Writes what the pipe takes now; false when the pipe broke (then {@link #failure} is set). */
  private boolean writeSome(ByteBuf bytes) {
    ByteBuffer scratch = owner.scratch();
    try {
      while (bytes.isReadable()) {
        int n = Math.min(bytes.readableBytes(), scratch.capacity());
        bytes.getBytes(bytes.readerIndex(), scratch.clear().limit(n));
        int written = fd.fd().write(scratch, 0, n);
        if (written <= 0) {
          return true;
        }
        bytes.skipBytes(written);
        if (written < n) {
          return true;
        }
      }
      return true;
    } catch (IOException e) {
      lose(e instanceof Errors.NativeIoException nie && nie.expectedErr() == Errors.ERRNO_EPIPE_NEGATIVE
        ? brokenPipe("the child closed its stdin") : new ProcessException(ErrorCode.CONNECTION_RESET, e.getMessage()));
      return false;
    }
  }

  private void flush() {
    while (!queue.isEmpty()) {
      Pending head = queue.peek();
      int before = head.data.readableBytes();
      if (!writeSome(head.data)) {
        return;
      }
      queued -= before - head.data.readableBytes();
      if (head.data.isReadable()) {
        break;
      }
      queue.poll();
      head.written.complete();
    }
    if (queue.isEmpty()) {
      fd.watch(EpollIoOps.EPOLLET);
      if (closing) {
        closeNow(null);
      }
    }
    if (queued <= low) {
      drained();
    }
  }

  /**
   * The queue is at or below the low mark: wake drain() callers; the drain handler only on a full-to-drained
   * turn, and only once per {@link #drainHandler} call.
   */
  private void drained() {
    if (!drainWaiters.isEmpty()) {
      List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
      drainWaiters.clear();
      waiters.forEach(Promise::complete);
    }
    if (writingPaused) {
      writingPaused = false;
      owner.resumeWriting();
      Handler<Void> h = drainHandler;
      if (h != null) {
        drainHandler = null; // one call per set, as AsyncFile: a stale call must not resume a writer paused later
        h.handle(null);
      }
    }
  }

  /** The pipe broke: fail what is pending with {@code error}, close, report. */
  private void lose(Throwable error) {
    if (fd.isClosed()) {
      return;
    }
    failPending(error);
    closeNow(error);
    // last, so that the handler sees stdin closed (and a write from it fails instead of re-entering)
    if (exceptionHandler != null) {
      exceptionHandler.handle(error);
    }
  }

  /** The transport is closing: fail what is pending, close, and report a clean close. */
  void abortQuietly() {
    if (!fd.isClosed()) {
      failPending(brokenPipe("the transport was closed"));
      closeNow(null);
    }
  }

  private void failPending(Throwable error) {
    failure = error;
    for (Pending p : queue) {
      p.written.fail(error);
    }
    queue.clear();
    queued = 0;
    drainWaiters.forEach(w -> w.fail(error));
    drainWaiters.clear();
  }

  private void closeNow(Throwable error) {
    fd.closeNow();
    closing = true;
    if (error == null) {
      closedPromise.tryComplete();
    } else {
      closedPromise.tryFail(error);
    }
    owner.pipeLost(0, error);
  }

  private static ProcessException brokenPipe(String message) {
    return new ProcessException(ErrorCode.BROKEN_PIPE, message);
  }

  // --- WritePipeTransport

  @Override
  public int fd() {
    return 0;
  }

  @Override
  public void close() {
    writeEof();
  }

  @Override
  public boolean isClosing() {
    return closing || fd.isClosed();
  }

  @Override
  public void writeEof() {
    owner.onContext(() -> {
      if (!closing && !fd.isClosed()) {
        closing = true;
        if (queue.isEmpty()) {
          closeNow(null);
        }
      }
    });
  }

  @Override
  public void abort() {
    // asyncio's abort() is _close(None): pending writes fail, the pipe is lost without an error
    owner.onContext(() -> {
      if (!fd.isClosed()) {
        failPending(brokenPipe("stdin was aborted"));
        closeNow(null);
      }
    });
  }

  @Override
  public int writeBufferSize() {
    return queued;
  }

  @Override
  public void setWriteBufferLimits(int high, int low) {
    if (high < 1 || low < 0 || low > high) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "need 0 <= low <= high and high >= 1");
    }
    owner.onContext(() -> {
      this.high = high;
      this.low = low;
    });
  }

  @Override
  public int maxBufferSize() {
    return 2 * high;
  }

  // --- StdinWriter

  @Override
  public Future<Void> drain() {
    return owner.onContextFuture(() -> {
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      if (queued <= low) {
        return Future.succeededFuture();
      }
      Promise<Void> p = owner.context().promise();
      drainWaiters.add(p);
      return p.future();
    });
  }

  @Override
  public Future<Void> end() {
    writeEof();
    return closedPromise.future();
  }

  @Override
  public int writeQueueSize() {
    return pendingBytes();
  }

  @Override
  public int getWriteQueueMaxSize() {
    return high;
  }

  @Override
  public boolean isClosed() {
    return fd.isClosed();
  }

  @Override
  public StdinWriter exceptionHandler(Handler<Throwable> handler) {
    owner.onContext(() -> exceptionHandler = handler);
    return this;
  }

  @Override
  public StdinWriter setWriteQueueMaxSize(int maxSize) {
    setWriteBufferLimits(maxSize, maxSize / 4);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return pendingBytes() >= high;
  }

  /**
   * Queued plus in-flight bytes. inFlight is read first: a write moves its bytes into queued before it
   * leaves inFlight, so a reader that sees them gone from inFlight also sees them in queued.
   */
  private int pendingBytes() {
    int hopping = inFlight.get();
    return hopping + queued;
  }

  @Override
  public StdinWriter drainHandler(Handler<Void> handler) {
    owner.onContext(() -> {
      drainHandler = handler;
      if (handler != null && !writingPaused) {
        // The queue is not full (a handler set from another thread can arrive after it drained): call it
        // soon, as AsyncFile does, so that a writer waiting for it is not left paused.
        owner.context().runOnContext(v -> {
          if (drainHandler == handler && !writingPaused) {
            drainHandler = null;
            handler.handle(null);
          }
        });
      }
    });
    return this;
  }
}
