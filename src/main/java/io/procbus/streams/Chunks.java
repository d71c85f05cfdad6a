package io.procbus.streams;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Read-only views of output chunks, so that a chunk published once is shared by every subscriber on the
 * publishing node instead of being copied for each, and no subscriber can change the bytes another reads
 * (issue 10).
 *
 * <p>Vert.x's {@code Buffer} codec hands a body to each local subscriber through {@code copy()}, which returns a
 * buffer over a read-only {@code ByteBuf} as it is (vert.x issue 4136) and copies any other: the service
 * publishes a view from here, so the owner and its observers on that node get the same bytes, and nothing is
 * copied on the service's thread. Sent to another node, the chunk is encoded as any {@code Buffer}.
 *
 * <p>A view is read-only all the way: a Vert.x buffer that is asked to grow past its {@code ByteBuf}'s maximum
 * capacity moves to new, writable storage, so a read-only {@code ByteBuf} alone would still let
 * {@code appendString} or a {@code setByte} past the end change the shared buffer. The view's maximum capacity
 * is unbounded, so every write throws {@code ReadOnlyBufferException} instead.
 */
public final class Chunks {

  private Chunks() {
  }

  /**
   * A read-only view of {@code chunk}'s bytes that shares them (no copy) and on which every write throws. The
   * clients take one of each chunk they hand out, so that their chunks are read-only on every node (a chunk
   * decoded from another node's message is a private, writable copy) and code behaves the same everywhere.
   */
  public static Buffer readOnlyView(Buffer chunk) {
    ByteBuf bytes = ((BufferInternal) chunk).getByteBuf();
    // a composite's maximum capacity is Integer.MAX_VALUE, whatever its component's
    return BufferInternal.buffer(Unpooled.compositeBuffer(1).addComponent(true, bytes).asReadOnly());
  }
}
