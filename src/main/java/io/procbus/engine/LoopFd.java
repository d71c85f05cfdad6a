package io.procbus.engine;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * One fd (a pipe end or a pidfd) registered on a Netty epoll event loop, owned by the engine.
 *
 * <p>Every method runs on that loop's thread. Readiness is passed on as the raw epoll event bits.
 * Closing cancels the registration, then closes the fd through the same {@link FileDescriptor}, so Netty
 * never deletes a reused fd number from epoll.
 */
final class LoopFd implements EpollIoHandle {

  /** {@code EPOLLHUP}: EpollIoOps has no constant for it. */
  static final int EPOLLHUP = 0x10;

  private final FileDescriptor fd;
  private final IntConsumer onReady;
  private IoRegistration registration;
  private EpollIoOps ops = EpollIoOps.EPOLLET;
  private boolean closed;

  LoopFd(int fd, IntConsumer onReady) {
    this.fd = new FileDescriptor(fd);
    this.onReady = onReady;
  }

  /** Registers the fd, idle (no events but a hang-up or an error, once); {@code then} runs once registered. */
  void register(IoEventLoop loop, java.util.function.Consumer<Throwable> then) {
    loop.register(this).addListener(f -> {
      if (f.isSuccess()) {
        registration = (IoRegistration) f.getNow();
        if (closed) {
          registration.cancel();
        } else {
          registration.submit(ops);
        }
        then.accept(null);
      } else {
        then.accept(f.cause());
      }
    });
  }

  /** Sets the events to watch: {@code EPOLLIN}, {@code EPOLLOUT}, or {@code EPOLLET} alone for idle. */
  void watch(EpollIoOps ops) {
    if (!closed && !ops.equals(this.ops)) {
      this.ops = ops;
      if (registration != null) {
        registration.submit(ops);
      }
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** The fd, for reads and writes; never close it directly. */
  @Override
  public FileDescriptor fd() {
    return fd;
  }

  /** The fd number. */
  int intValue() {
    return fd.intValue();
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    if (!closed) {
      onReady.accept(((EpollIoEvent) event).ops().value());
    }
  }

  /** Stops watching and closes the fd; idempotent. */
  void closeNow() {
    if (!closed) {
      closed = true;
      if (registration != null) {
        registration.cancel();
      }
      try {
        fd.close();
      } catch (IOException ignored) {
        // our own end: nothing to do about a failed close
      }
    }
  }

  /** Called by Netty only when the event loop shuts down. */
  @Override
  public void close() {
    closeNow();
  }
}
