package io.procbus.client;

import io.procbus.api.ReadPipeTransport;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * A remote child's stdout or stderr: the chunk events of one stream, paced by credit.
 *
 * <p>While reading, the client keeps the credit it has granted and not yet received near the window: it
 * grants again once less than half of it is outstanding. {@link #pauseReading()} stops granting; chunks
 * already in flight (at most the window, plus one read the service may overdraw) are held here, not
 * delivered, so a paused pipe delivers nothing, as a local one. {@link #resumeReading()} delivers them (from a
 * later event-loop turn, never from within the call) and grants again. At exit the held chunks are delivered
 * whatever the pause, as the engine drains a pipe at exit, so that {@code processExited} still comes after
 * every byte the child wrote.
 *
 * <p>All state is confined to the child's context; public methods called elsewhere are hopped onto it.
 */
final class RemoteReadPipe implements ReadPipeTransport {

  private record Eof(Throwable error) {
  }

  private final RemoteTransport owner;
  private final int fd;
  private final int window;

  // Context thread only
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private long granted;
  private long received;
  private boolean flushScheduled;
  private volatile boolean lost;

  // Any thread: written on the context thread only
  private volatile boolean paused;
  private volatile long heldBytes;

  RemoteReadPipe(RemoteTransport owner, int fd, int window) {
    this.owner = owner;
    this.fd = fd;
    this.window = window;
  }

  // --- events (the transport, on the context)

  /** The credit of the attach grant: the window, unless the protocol paused the pipe in connectionMade. */
  long initialGrant() {
    if (paused || lost) {
      return 0;
    }
    long n = window - (granted - received);
    granted += n;
    return n;
  }

  void onChunk(Buffer chunk) {
    assert owner.context().inThread() : "chunk off the child's context";
    received += chunk.length();
    if (lost) {
      return;
    }
    if (paused || !held.isEmpty()) {
      held.add(chunk);
      heldBytes += chunk.length();
    } else {
      owner.callProtocol(() -> owner.protocol().pipeDataReceived(fd, chunk));
    }
    maybeGrant();
  }

  void onEof(Throwable error) {
    if (lost) {
      return;
    }
    if (paused || !held.isEmpty()) {
      held.add(new Eof(error));
    } else {
      lose(error);
    }
  }

  /** Delivers everything held, paused or not (at exit and at the end). */
  void flushAll() {
    flush(true);
  }

  private void flush(boolean force) {
    while (!held.isEmpty() && !lost && (force || !paused)) {
      Object item = held.poll();
      if (item instanceof Buffer chunk) {
        heldBytes -= chunk.length();
        owner.callProtocol(() -> owner.protocol().pipeDataReceived(fd, chunk));
      } else {
        lose(((Eof) item).error);
      }
    }
  }

  private void maybeGrant() {
    if (paused || lost || !owner.isAttached() || owner.isFinished()) {
      return;
    }
    long outstanding = granted - received;
    if (outstanding < window / 2) {
      long n = window - outstanding;
      granted += n;
      owner.grant(fd, n);
    }
  }

  /** The pipe is lost: {@code pipeConnectionLost(fd, error)} once; later events of this stream are dropped. */
  void lose(Throwable error) {
    if (lost) {
      return;
    }
    lost = true;
    held.clear();
    heldBytes = 0;
    owner.callProtocol(() -> owner.protocol().pipeConnectionLost(fd, error));
  }

  /** Bytes received and held while paused; for tests and diagnostics. */
  long heldBytes() {
    return heldBytes;
  }

  // --- ReadPipeTransport

  @Override
  public int fd() {
    return fd;
  }

  /** Closes the read end now, here and in the service: the child's next write gets {@code EPIPE}. */
  @Override
  public void close() {
    owner.onContext(() -> {
      if (!lost) {
        lose(null);
        owner.closePipe(fd);
      }
    });
  }

  @Override
  public boolean isClosing() {
    return lost;
  }

  @Override
  public void pauseReading() {
    owner.onContext(() -> {
      if (!lost) {
        paused = true;
      }
    });
  }

  @Override
  public void resumeReading() {
    owner.onContext(() -> {
      if (!paused) {
        return;
      }
      paused = false;
      if (!held.isEmpty() && !flushScheduled) {
        flushScheduled = true;
        owner.context().runOnContext(v -> {
          flushScheduled = false;
          flush(false);
          maybeGrant();
        });
      }
      maybeGrant();
    });
  }

  @Override
  public boolean isReading() {
    return !paused && !lost;
  }
}
