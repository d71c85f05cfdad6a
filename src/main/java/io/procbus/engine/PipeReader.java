package io.procbus.engine;

import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Errors;
import io.procbus.engine.linux.Errno;
import io.procbus.streams.ReadPipe;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The engine's end of a child's stdout or stderr pipe. asyncio: {@code _UnixReadPipeTransport}.
 *
 * <p>Level-triggered: each readiness callback reads a bounded number of chunks and the loop calls again
 * while data remains. Paused, the registration keeps only {@code EPOLLET}, so a hang-up is reported once
 * instead of spinning, and nothing is read: the child blocks once the pipe is full.
 */
final class PipeReader extends ReadPipe {

  /** Reads per readiness callback, so one busy child cannot hold the event loop. */
  private static final int READS_PER_EVENT = 16;
  /** At exit, bytes read without regard to pause: one full pipe (64 KiB by default; 1 MiB at most on Linux). */
  private static final int EXIT_DRAIN_LIMIT = 1 << 20;

  private final EngineTransport owner;
  private final LoopFd fd;
  /** Whether {@code fd} is a pseudo-terminal's master, whose end is {@code EIO} rather than EOF. */
  private final boolean terminal;

  PipeReader(EngineTransport owner, int childFd, int fd, boolean terminal) {
    super(owner, childFd);
    this.owner = owner;
    this.fd = new LoopFd(fd, ops -> owner.dispatch(this::onReadable));
    this.terminal = terminal;
  }

  LoopFd loopFd() {
    return fd;
  }

  void start() {
    fd.watch(isPaused() ? EpollIoOps.EPOLLET : EpollIoOps.EPOLLIN);
  }

  private void onReadable() {
    if (isPaused()) {
      return;
    }
    ByteBuffer scratch = owner.scratch();
    // A short read means the pipe is empty: return to epoll instead of paying a read that says EAGAIN
    // (level-triggered, so data that came meanwhile is reported at once). Halves the syscalls per chunk.
    for (int i = 0; i < READS_PER_EVENT && !isPaused() && readOnce(scratch) == scratch.capacity(); i++) {
      // each full read delivered one chunk and there may be more
    }
  }

  /** Reads what the child wrote before it died, ignoring pause (bounded by one full pipe). */
  @Override
  protected void drainAtExit() {
    ByteBuffer scratch = owner.scratch();
    for (int budget = EXIT_DRAIN_LIMIT; budget > 0 && readOnce(scratch) > 0; budget -= scratch.capacity()) {
      // each successful read delivered one chunk
    }
  }

  /** One read: delivers a chunk and returns its size, or 0 at EAGAIN, EOF or an error. */
  private int readOnce(ByteBuffer scratch) {
    if (fd.isClosed()) {
      return 0;
    }
    int n;
    scratch.clear(); // shared with the stdin writer, which moves its limit
    try {
      n = fd.fd().read(scratch, 0, scratch.capacity());
    } catch (IOException e) {
      // a terminal's master reads EIO once no slave fd is left: its EOF
      lose(terminal && e instanceof Errors.NativeIoException nie && nie.expectedErr() == -Errno.EIO ? null : e);
      return 0;
    }
    if (n < 0) {
      lose(null);
      return 0;
    }
    if (n > 0) {
      byte[] bytes = new byte[n];
      scratch.get(0, bytes);
      // wrap, not Buffer.buffer(bytes), which copies the array once more
      deliver(BufferInternal.buffer(Unpooled.wrappedBuffer(bytes)));
    }
    return n;
  }

  /** Reads what the pipe holds, then closes it (a terminal's hang-up). */
  void drainAndClose() {
    drainAtExit();
    lose(null);
  }

  /** Closed by its user: a terminal is hung up, as a closed pipe gives its writer {@code EPIPE}. */
  @Override
  protected void closedHere() {
    if (terminal) {
      owner.closeTerminal();
    }
  }

  @Override
  protected void released() {
    fd.closeNow();
  }

  @Override
  protected void readingPaused() {
    fd.watch(EpollIoOps.EPOLLET);
  }

  @Override
  protected void readingResumed() {
    fd.watch(EpollIoOps.EPOLLIN);
  }
}
