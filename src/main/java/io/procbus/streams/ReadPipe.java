package io.procbus.streams;

import io.procbus.api.ReadPipeTransport;
import io.vertx.core.buffer.Buffer;

/**
 * A child's stdout or stderr, local or remote: asyncio's read pipe transport, less how the bytes arrive.
 *
 * <p>It keeps the pipe's one state: reading, paused, or lost (once, for good). A subclass moves the bytes (from
 * an fd, or from chunk events), hands each chunk to {@link #deliver} while reading, and calls {@link #lose} at
 * the end; at the child's exit {@link BaseSubprocessTransport} calls {@link #drainAtExit()}, which delivers what
 * the pipe already holds whatever the pause. A paused pipe delivers nothing else.
 *
 * <p>State is confined to the child's context; public methods called elsewhere are hopped onto it.
 */
public abstract class ReadPipe implements ReadPipeTransport {

  private final BaseSubprocessTransport<?, ?> owner;
  private final int fd;

  // Any thread: written on the context thread only
  private volatile boolean paused;
  private volatile boolean lost;

  /** The pipe of the child's {@code fd} (1 or 2) of {@code owner}. */
  protected ReadPipe(BaseSubprocessTransport<?, ?> owner, int fd) {
    this.owner = owner;
    this.fd = fd;
  }

  // --- what subclasses provide (on the context)

  /** Reading was paused. */
  protected abstract void readingPaused();

  /** Reading was resumed. */
  protected abstract void readingResumed();

  /** Delivers now what the pipe already holds, paused or not: the child exited (or its events ended). */
  protected abstract void drainAtExit();

  /** The pipe is lost: drop what it holds (its fd, held chunks). Called once, before {@code pipeConnectionLost}. */
  protected abstract void released();

  /** {@link #close()} was called: the pipe is lost here; ends the other side too if there is one. */
  protected void closedHere() {
  }

  // --- for subclasses (on the context)

  /** Hands a chunk to the protocol. */
  protected final void deliver(Buffer chunk) {
    owner.pipeData(fd, chunk);
  }

  /** The pipe is lost: {@code pipeConnectionLost(fd, error)}, once; later calls do nothing. */
  protected final void lose(Throwable error) {
    if (!lost) {
      lost = true;
      released();
      owner.pipeLost(fd, error);
    }
  }

  /** Whether reading is paused. */
  protected final boolean isPaused() {
    return paused;
  }

  /** Whether the pipe is lost. */
  protected final boolean isLost() {
    return lost;
  }

  // --- ReadPipeTransport

  @Override
  public final int fd() {
    return fd;
  }

  @Override
  public final void close() {
    owner.onContext(() -> {
      if (!lost) {
        lose(null);
        closedHere();
      }
    });
  }

  @Override
  public final boolean isClosing() {
    return lost;
  }

  @Override
  public final void pauseReading() {
    owner.onContext(() -> {
      if (!paused && !lost) {
        paused = true;
        readingPaused();
      }
    });
  }

  @Override
  public final void resumeReading() {
    owner.onContext(() -> {
      if (paused) {
        paused = false;
        readingResumed();
      }
    });
  }

  @Override
  public final boolean isReading() {
    return !paused && !lost;
  }
}
