package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.protocol.FailureCodec;
import io.procbus.streams.StdinQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A remote child's stdin: a bounded write queue drained by {@code writeStdin} commands.
 *
 * <p>The queue holds the bytes written and not yet acknowledged; the service acknowledges a command when its
 * engine wrote the bytes to the pipe, so a slow child paces a fast writer exactly as in-process ({@link
 * StdinQueue} keeps the marks and bounds). A write is sent in pieces of at most {@value #PIECE} bytes (and at
 * most the service's {@code maxStdinMessageBytes}), with at most {@value #IN_FLIGHT} bytes unacknowledged, so
 * the service's own queue never refuses one. A failed command fails every pending write and the ones after
 * it: a stream with a hole in it is never delivered.
 *
 * <p>All state is confined to the child's context; public methods called elsewhere are hopped onto it.
 */
final class RemoteStdin extends StdinQueue {

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
  private int inFlight;
  private boolean closeSent;

  // Any thread: read by isClosed()
  private volatile boolean lost;

  RemoteStdin(RemoteTransport owner, int maxMessageBytes) {
    super(owner);
    this.owner = owner;
    this.piece = maxMessageBytes > 0 ? Math.min(PIECE, maxMessageBytes) : PIECE;
  }

  // --- writing

  @Override
  protected boolean isLost() {
    return lost;
  }

  @Override
  protected Future<Void> enqueue(Buffer data) {
    Pending p = new Pending(data, owner.context().promise());
    unsent.add(p);
    unacked.add(p);
    queued(data.length());
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
      ProcessException e = FailureCodec.toProcessException(error);
      if (e.code() == ErrorCode.BROKEN_PIPE || e.code() == ErrorCode.CONNECTION_RESET) {
        // the pipe is gone: lost now, as in-process (the service's stdin-closed event may come after this reply)
        lose(e, e);
      } else {
        failPending(e);
      }
      reportError(e);
      return;
    }
    p.acked += n;
    dequeued(n);
    while (!unacked.isEmpty() && unacked.peek().acked == unacked.peek().data.length()) {
      unacked.poll().written.complete();
    }
    drainIfLow();
    pump();
    maybeSendClose();
  }

  private void failPending(Throwable error) {
    failure = error;
    List<Pending> pending = new ArrayList<>(unacked);
    unacked.clear();
    unsent.clear();
    clearQueued();
    pending.forEach(p -> p.written.tryFail(error));
    failDrainWaiters(error);
  }

  private void maybeSendClose() {
    if (closing && !closeSent && !lost && unacked.isEmpty() && inFlight == 0 && failure == null) {
      closeSent = true;
      owner.closeStdin().onFailure(e -> owner.onContext(
        () -> closedPromise.tryFail(FailureCodec.toProcessException(e))));
    }
  }

  @Override
  protected void eofRequested() {
    maybeSendClose();
  }

  // --- the end of the pipe

  /** The service's {@code stdin-closed} event: {@code error} is null for a clean close. */
  void onClosedEvent(Throwable error) {
    if (lost) {
      return;
    }
    if (error == null && !unacked.isEmpty()) {
      // writes were still pending on this side: as the engine does with a non-empty queue, that is a broken pipe
      error = brokenPipe("the child closed its stdin");
    }
    if (error == null && !closing) {
      // closed by the child with nothing pending: a clean close, but later writes and drain() still fail
      failure = brokenPipe("the child closed its stdin");
    }
    lose(error, error != null ? error : brokenPipe("stdin is closed"));
    if (error != null) {
      reportError(error);
    }
  }

  @Override
  protected void abandon(Throwable error) {
    if (error == null) {
      lose(null, brokenPipe("the transport was closed"));
    } else {
      failure = error;
      lose(error, error);
    }
  }

  private void lose(Throwable error, Throwable pendingError) {
    if (lost) {
      return;
    }
    lost = true;
    Throwable cause = failure != null ? failure : error;
    failPending(pendingError);
    failure = cause; // failPending recorded the pending writes' error; keep the first cause for later calls
    closed(error);
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
}
