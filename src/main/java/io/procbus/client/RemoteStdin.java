package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.StdinWriter;
import io.procbus.api.WritePipeTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote child's stdin: a bounded write queue drained by {@code writeStdin} commands.
 *
 * <p>The queue holds the bytes written and not yet acknowledged; the service acknowledges a command when its
 * engine wrote the bytes to the pipe, so a slow child paces a fast writer exactly as in-process:
 * {@link #writeQueueFull()} at the high mark, {@code pauseWriting}/{@code resumeWriting} and the drain
 * handler at the high and low marks, and {@link ErrorCode#STDIN_FULL} for a write while the queue already
 * holds {@link #maxBufferSize()} bytes. A write is sent in pieces of at most {@value #PIECE} bytes (and at
 * most the service's {@code maxStdinMessageBytes}), with at most {@value #IN_FLIGHT} bytes unacknowledged, so
 * the service's own queue never refuses one. A failed command fails every pending write and the ones after
 * it: a stream with a hole in it is never delivered.
 *
 * <p>All state is confined to the child's context; public methods called elsewhere are hopped onto it.
 */
final class RemoteStdin implements WritePipeTransport, StdinWriter {

  /** Largest {@code writeStdin} payload sent. */
  static final int PIECE = 64 * 1024;
  /** Bytes sent and not yet acknowledged, at most: the service's engine queue holds twice 64 KiB. */
  static final int IN_FLIGHT = 128 * 1024;

  private static final class Pending {
    final Buffer data;
    final Promise<Void> written;
    int sent;
    int acked;

    Pending(Buffer data, Promise<Void> written) {
      this.data = data;
      this.written = written;
    }
  }

  private final RemoteTransport owner;
  private final int piece;
  private final ArrayDeque<Pending> unsent = new ArrayDeque<>();
  private final ArrayDeque<Pending> unacked = new ArrayDeque<>();
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  private final Promise<Void> closedPromise;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private int inFlight;
  private int high = DEFAULT_WRITE_QUEUE_MAX_SIZE;
  private int low = DEFAULT_WRITE_QUEUE_MAX_SIZE / 4;
  private boolean closeSent;
  private boolean writingPaused;
  private Throwable failure;

  // Any thread: written on the context thread only
  private volatile int queued;
  // Any thread: bytes passed to write() on another thread and not yet queued on the context
  private final AtomicInteger hopping = new AtomicInteger();
  private volatile boolean closing;
  private volatile boolean lost;

  RemoteStdin(RemoteTransport owner, int maxMessageBytes) {
    this.owner = owner;
    this.piece = maxMessageBytes > 0 ? Math.min(PIECE, maxMessageBytes) : PIECE;
    this.closedPromise = owner.context().promise();
  }

  // --- writing

  @Override
  public Future<Void> write(Buffer data) {
    // counted at once, so that writeQueueFull() called right after this write from another thread sees it
    int length = data.length();
    hopping.addAndGet(length);
    return owner.onContextFuture(() -> {
      try {
        return doWrite(data);
      } finally {
        hopping.addAndGet(-length); // after doWrite counted it in queued: never seen as neither
      }
    });
  }

  private Future<Void> doWrite(Buffer data) {
    assert owner.context().inThread() : "write off the child's context";
    if (lost || closing) {
      return Future.failedFuture(failure != null ? failure : brokenPipe("stdin is closed"));
    }
    if (queued >= maxBufferSize()) {
      return Future.failedFuture(new ProcessException(ErrorCode.STDIN_FULL,
        "stdin queue holds " + queued + " bytes (max " + maxBufferSize() + "); wait for drain"));
    }
    if (data.length() == 0) {
      return Future.succeededFuture();
    }
    Pending p = new Pending(data, owner.context().promise());
    unsent.add(p);
    unacked.add(p);
    queued += data.length();
    if (queued >= high && !writingPaused) {
      writingPaused = true;
      owner.callProtocol(() -> owner.protocol().pauseWriting());
    }
    pump();
    return p.written.future();
  }

  private void pump() {
    while (!unsent.isEmpty() && failure == null && !lost) {
      Pending p = unsent.peek();
      int n = Math.min(piece, p.data.length() - p.sent);
      if (inFlight + n > IN_FLIGHT) {
        return;
      }
      Buffer slice = p.data.slice(p.sent, p.sent + n);
      p.sent += n;
      if (p.sent == p.data.length()) {
        unsent.poll();
      }
      inFlight += n;
      owner.writeStdin(slice).onComplete(ar -> owner.onContext(() -> acked(p, n, ar.cause())));
    }
  }

  private void acked(Pending p, int n, Throwable error) {
    inFlight -= n;
    if (failure != null || lost) {
      return;
    }
    if (error != null) {
      // a stream with a hole in it is never written: this write and every later one fail
      ProcessException e = ProcessClientImpl.toProcessException(error);
      failure = e;
      if (e.code() == ErrorCode.BROKEN_PIPE || e.code() == ErrorCode.CONNECTION_RESET) {
        // the pipe is gone: lost now, as in-process (the service's stdin-closed event may come after this reply)
        lose(e, e);
      } else {
        failPending(e);
      }
      if (exceptionHandler != null) {
        exceptionHandler.handle(e); // last, so that the handler sees stdin closed
      }
      return;
    }
    p.acked += n;
    queued -= n;
    while (!unacked.isEmpty() && unacked.peek().acked == unacked.peek().data.length()) {
      unacked.poll().written.complete();
    }
    if (queued <= low) {
      drained();
    }
    pump();
    maybeSendClose();
  }

  /**
   * The queue is at or below the low mark: wake drain() callers; resumeWriting and the drain handler only on a
   * full-to-drained turn, the handler once per {@link #drainHandler} call (as the engine's stdin).
   */
  private void drained() {
    if (!drainWaiters.isEmpty()) {
      List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
      drainWaiters.clear();
      waiters.forEach(Promise::complete);
    }
    if (writingPaused) {
      writingPaused = false;
      owner.callProtocol(() -> owner.protocol().resumeWriting());
      Handler<Void> h = drainHandler;
      if (h != null) {
        drainHandler = null;
        h.handle(null);
      }
    }
  }

  private void failPending(Throwable error) {
    List<Pending> pending = new ArrayList<>(unacked);
    unacked.clear();
    unsent.clear();
    queued = 0;
    pending.forEach(p -> p.written.tryFail(error));
    List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
    drainWaiters.clear();
    waiters.forEach(w -> w.tryFail(error));
  }

  private void maybeSendClose() {
    if (closing && !closeSent && !lost && unacked.isEmpty() && inFlight == 0 && failure == null) {
      closeSent = true;
      owner.closeStdin().onFailure(e -> owner.onContext(
        () -> closedPromise.tryFail(ProcessClientImpl.toProcessException(e))));
    }
  }

  // --- the end of the pipe

  /** The service's {@code stdin-closed} event: {@code error} is null for a clean close. */
  void onClosedEvent(Throwable error) {
    if (lost) {
      return;
    }
    if (error == null && !closing) {
      // closed by the child with nothing pending: a clean close, but later writes and drain() still fail
      failure = brokenPipe("the child closed its stdin");
    }
    lose(error, error != null ? error : brokenPipe("stdin is closed"));
    if (error != null && exceptionHandler != null) {
      exceptionHandler.handle(error); // last, so that the handler sees stdin closed
    }
  }

  /** The transport was closed here: pending writes fail, the pipe is lost without an error. */
  void abortQuietly() {
    lose(null, brokenPipe("the transport was closed"));
  }

  /** The process is given up: pending writes fail, and the pipe is lost, with {@code error}. */
  void fail(Throwable error) {
    failure = error;
    lose(error, error);
  }

  private void lose(Throwable error, Throwable pendingError) {
    if (lost) {
      return;
    }
    lost = true;
    closing = true;
    if (failure == null && error != null) {
      failure = error;
    }
    failPending(pendingError);
    if (error == null) {
      closedPromise.tryComplete();
    } else {
      closedPromise.tryFail(error);
    }
    owner.callProtocol(() -> owner.protocol().pipeConnectionLost(0, error));
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
    return closing || lost;
  }

  @Override
  public void writeEof() {
    owner.onContext(() -> {
      if (!closing && !lost) {
        closing = true;
        maybeSendClose();
      }
    });
  }

  @Override
  public void abort() {
    owner.onContext(() -> {
      if (!lost) {
        lose(null, brokenPipe("stdin was aborted"));
        owner.closePipe(0);
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
      if (lost) {
        return Future.failedFuture(brokenPipe("stdin is closed"));
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
    return lost;
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

  @Override
  public StdinWriter drainHandler(Handler<Void> handler) {
    owner.onContext(() -> {
      drainHandler = handler;
      if (handler != null && !writingPaused) {
        // not full (a handler set from another thread may arrive after the queue drained): call it soon
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
