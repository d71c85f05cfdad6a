package io.procbus.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Errors;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.streams.StdinQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The engine's end of a child's stdin pipe: a bounded write queue flushed as the child reads.
 * asyncio: {@code _UnixWritePipeTransport} and {@code StreamWriter}.
 *
 * <p>A write goes straight to the pipe when nothing is queued; what the pipe does not take waits in the queue
 * ({@link StdinQueue} bounds it) and is flushed when the fd turns writable. While idle the fd is watched for
 * nothing but errors, so a child that closes stdin (or exits) is noticed even when nothing is being written.
 */
final class StdinPipe extends StdinQueue {

  private record Pending(ByteBuf data, Promise<Void> written) {
  }

  private final EngineTransport owner;
  private final LoopFd fd;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  StdinPipe(EngineTransport owner, int fd) {
    super(owner);
    this.owner = owner;
    this.fd = new LoopFd(fd, ops -> owner.dispatch(() -> onReady(ops)));
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
  protected boolean isLost() {
    return fd.isClosed();
  }

  @Override
  protected Future<Void> enqueue(Buffer data) {
    ByteBuf bytes = ((BufferInternal) data).getByteBuf();
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
    queued(bytes.readableBytes());
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
      dequeued(before - head.data.readableBytes());
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
    drainIfLow();
  }

  /** The pipe broke: fail what is pending with {@code error}, close, report. */
  private void lose(Throwable error) {
    if (fd.isClosed()) {
      return;
    }
    failPending(error);
    closeNow(error);
    reportError(error);
  }

  @Override
  protected void abandon(Throwable error) {
    if (!fd.isClosed()) {
      failPending(error != null ? error : brokenPipe("the transport was closed"));
      closeNow(error);
    }
  }

  private void failPending(Throwable error) {
    failure = error;
    for (Pending p : queue) {
      p.written.fail(error);
    }
    queue.clear();
    clearQueued();
    failDrainWaiters(error);
  }

  private void closeNow(Throwable error) {
    fd.closeNow();
    closed(error);
  }

  @Override
  protected void eofRequested() {
    if (queue.isEmpty()) {
      closeNow(null);
    }
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
}
