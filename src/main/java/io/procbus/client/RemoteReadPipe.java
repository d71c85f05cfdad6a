package io.procbus.client;

import io.procbus.streams.CreditWindow;
import io.procbus.streams.ReadPipe;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * A remote child's stdout or stderr: the chunk events of one stream, paced by credit.
 *
 * <p>While reading, the client keeps the credit it has granted and not yet received near the window (its half
 * of the stream's {@link CreditWindow}): it grants again once less than half of it is outstanding. Paused, it
 * stops granting; chunks already in flight (at most the window, plus one read the service may overdraw) are held
 * here, not delivered, so a paused pipe delivers nothing, as a local one. Resumed, it delivers them (from a
 * later event-loop turn, never from within the call) and grants again. At exit the held chunks are delivered
 * whatever the pause ({@link #drainAtExit()}), as the engine drains a pipe at exit.
 *
 * <p>All state is confined to the child's context; public methods called elsewhere are hopped onto it.
 */
final class RemoteReadPipe extends ReadPipe {

  private record Eof(Throwable error) {
  }

  private final RemoteTransport owner;
  private final int window;
  private final CreditWindow credit = new CreditWindow();

  // Context thread only
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean flushScheduled;

  RemoteReadPipe(RemoteTransport owner, int fd, int window) {
    super(owner, fd);
    this.owner = owner;
    this.window = window;
  }

  // --- events (the transport, on the context)

  /** The credit of the attach grant: the window, unless the protocol paused the pipe in connectionMade. */
  long initialGrant() {
    return isPaused() || isLost() ? 0 : credit.open(window);
  }

  void onChunk(Buffer chunk) {
    assert owner.context().inThread() : "chunk off the child's context";
    credit.spend(chunk.length());
    if (isLost()) {
      return;
    }
    if (isPaused() || !held.isEmpty()) {
      held.add(chunk);
    } else {
      deliver(chunk);
    }
    maybeGrant();
  }

  void onEof(Throwable error) {
    if (isLost()) {
      return;
    }
    if (isPaused() || !held.isEmpty()) {
      held.add(new Eof(error));
    } else {
      lose(error);
    }
  }

  /** Delivers everything held, paused or not (at exit and at the end). */
  @Override
  protected void drainAtExit() {
    flush(true);
  }

  private void flush(boolean force) {
    while (!held.isEmpty() && !isLost() && (force || !isPaused())) {
      Object item = held.poll();
      if (item instanceof Buffer chunk) {
        deliver(chunk);
      } else {
        lose(((Eof) item).error);
      }
    }
  }

  private void maybeGrant() {
    if (isPaused() || isLost() || !owner.isAttached() || owner.isFinished()) {
      return;
    }
    long n = credit.topUp(window);
    if (n > 0) {
      owner.grant(fd(), n);
    }
  }

  @Override
  protected void released() {
    held.clear();
  }

  // --- ReadPipe

  /** Closes the read end in the service too: the child's next write gets {@code EPIPE}. */
  @Override
  protected void closedHere() {
    owner.closePipe(fd());
  }

  @Override
  protected void readingPaused() {
    // no more grants: maybeGrant looks at the pause
  }

  @Override
  protected void readingResumed() {
    if (!held.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      owner.context().runOnContext(v -> {
        flushScheduled = false;
        flush(false);
        maybeGrant();
      });
    }
    maybeGrant();
  }
}
