package io.procbus.streams;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.StdinWriter;
import io.procbus.api.WritePipeTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer's side of a child's stdin, local or remote: asyncio's write-buffer marks and a bounded queue.
 *
 * <p>It keeps the accounting both ends share: bytes queued and not yet gone, {@link ErrorCode#STDIN_FULL} for a
 * write while the queue already holds {@link #maxBufferSize()} bytes, {@code pauseWriting}/{@code resumeWriting}
 * and the drain handler at the high and low marks, {@link #drain()}, and a {@link #writeQueueFull()} that is
 * right from any thread. Subclasses move the bytes (into a pipe, or as bus commands): {@link #enqueue} takes a
 * write, {@link #queued(int)} and {@link #dequeued(int)} count its bytes in and out, {@link #closed} ends the
 * pipe.
 *
 * <p>State is confined to the child's context; public methods called elsewhere are hopped onto it.
 */
public abstract class StdinQueue implements WritePipeTransport, StdinWriter {

  /** The child's transport: its context and hops. */
  protected final BaseSubprocessTransport<?, ?> transport;
  /** Completes when the pipe is closed: cleanly, or failed with why it was lost. */
  protected final Promise<Void> closedPromise;
  /** Why later writes and {@code drain()} fail, once the pipe broke or was given up. */
  protected Throwable failure;
  /** Set once {@code write_eof} was asked for: no write is taken after it. */
  protected volatile boolean closing;

  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private int high = DEFAULT_WRITE_QUEUE_MAX_SIZE;
  private int low = DEFAULT_WRITE_QUEUE_MAX_SIZE / 4;
  private boolean writingPaused;

  // Any thread: written on the context thread only
  private volatile int queued;
  // Any thread: bytes passed to write() on another thread and not yet queued on the context
  private final AtomicInteger hopping = new AtomicInteger();

  /** A queue for the stdin of the child of {@code transport}. */
  protected StdinQueue(BaseSubprocessTransport<?, ?> transport) {
    this.transport = transport;
    this.closedPromise = transport.context().promise();
  }

  // --- what subclasses provide

  /** Whether the pipe is gone (closed or lost): nothing more can be written. */
  protected abstract boolean isLost();

  /** Takes a non-empty write that passed the checks; completes once its bytes left. On the context. */
  protected abstract Future<Void> enqueue(Buffer data);

  /** {@code write_eof} was asked for and the pipe is still there. On the context. */
  protected abstract void eofRequested();

  /**
   * The transport closes ({@code error} null: pending writes fail with a broken pipe and the pipe is lost
   * cleanly) or gives the child up (pending writes and the pipe fail with {@code error}). No-op once lost.
   */
  protected abstract void abandon(Throwable error);

  // --- accounting, for subclasses (on the context)

  /** {@code n} more bytes wait in the queue; pauses the writer at the high mark. */
  protected final void queued(int n) {
    queued += n;
    if (queued >= high && !writingPaused) {
      writingPaused = true;
      transport.callUser(transport.protocol()::pauseWriting);
    }
  }

  /** {@code n} queued bytes left; call {@link #drainIfLow()} once a batch is done. */
  protected final void dequeued(int n) {
    queued -= n;
  }

  /** The queue was emptied without its bytes leaving: nothing is counted any more. */
  protected final void clearQueued() {
    queued = 0;
  }

  /** At or below the low mark: wakes drain() callers; the drain handler only on a full-to-drained turn, once. */
  protected final void drainIfLow() {
    if (queued > low) {
      return;
    }
    if (!drainWaiters.isEmpty()) {
      List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
      drainWaiters.clear();
      waiters.forEach(Promise::complete);
    }
    if (writingPaused) {
      writingPaused = false;
      transport.callUser(transport.protocol()::resumeWriting);
      Handler<Void> h = drainHandler;
      if (h != null) {
        drainHandler = null; // one call per set, as AsyncFile: a stale call must not resume a writer paused later
        h.handle(null);
      }
    }
  }

  /** Fails every drain() caller with {@code error} and records it for later writes. */
  protected final void failDrainWaiters(Throwable error) {
    failure = error;
    List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
    drainWaiters.clear();
    waiters.forEach(w -> w.tryFail(error));
  }

  /** Reports {@code error} to the exception handler; call it last, so that the handler sees stdin closed. */
  protected final void reportError(Throwable error) {
    if (exceptionHandler != null) {
      exceptionHandler.handle(error);
    }
  }

  /** The pipe ended ({@code error} null for a clean close): {@code closed} completes, the protocol hears it. */
  protected final void closed(Throwable error) {
    closing = true;
    if (error == null) {
      closedPromise.tryComplete();
    } else {
      closedPromise.tryFail(error);
    }
    transport.pipeLost(0, error);
  }

  /** A {@link ErrorCode#BROKEN_PIPE} failure. */
  protected static ProcessException brokenPipe(String message) {
    return new ProcessException(ErrorCode.BROKEN_PIPE, message);
  }

  // --- writing

  @Override
  public Future<Void> write(Buffer data) {
    // counted at once, so that writeQueueFull() called right after this write from another thread sees it
    int length = data.length();
    hopping.addAndGet(length);
    return transport.onContextFuture(() -> {
      try {
        return doWrite(data);
      } finally {
        hopping.addAndGet(-length); // after doWrite counted it in queued: never seen as neither
      }
    });
  }

  private Future<Void> doWrite(Buffer data) {
    assert transport.context().inThread() : "write off the child's context";
    if (isLost() || closing) {
      return Future.failedFuture(failure != null ? failure : brokenPipe("stdin is closed"));
    }
    if (queued >= maxBufferSize()) {
      return Future.failedFuture(new ProcessException(ErrorCode.STDIN_FULL,
        "stdin queue holds " + queued + " bytes (max " + maxBufferSize() + "); wait for drain"));
    }
    if (data.length() == 0) {
      return Future.succeededFuture();
    }
    return enqueue(data);
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
    return closing || isLost();
  }

  @Override
  public void writeEof() {
    transport.onContext(() -> {
      if (!closing && !isLost()) {
        closing = true;
        eofRequested();
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
    transport.onContext(() -> {
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
    return transport.onContextFuture(() -> {
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      if (isLost()) {
        // asyncio: drain() after the pipe's connection was lost raises ConnectionResetError
        return Future.failedFuture(brokenPipe("stdin is closed"));
      }
      if (queued <= low) {
        return Future.succeededFuture();
      }
      Promise<Void> p = transport.context().promise();
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

  /** Queued plus hopping bytes; hopping is read first, as a write leaves it only once it is in queued. */
  private int pendingBytes() {
    int h = hopping.get();
    return h + queued;
  }

  @Override
  public int getWriteQueueMaxSize() {
    return high;
  }

  @Override
  public boolean isClosed() {
    return isLost();
  }

  @Override
  public StdinWriter exceptionHandler(Handler<Throwable> handler) {
    transport.onContext(() -> exceptionHandler = handler);
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

  @Override
  public StdinWriter drainHandler(Handler<Void> handler) {
    transport.onContext(() -> {
      drainHandler = handler;
      if (handler != null && !writingPaused) {
        // not full (a handler set from another thread may arrive after the queue drained): call it soon, as
        // AsyncFile does, so that a writer waiting for it is not left paused
        transport.context().runOnContext(v -> {
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
