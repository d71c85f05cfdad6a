package io.procbus.api;

import io.vertx.core.buffer.Buffer;

/**
 * EOF came before a read was satisfied ({@link ErrorCode#INCOMPLETE_READ}).
 *
 * <p>asyncio: {@code IncompleteReadError}. The bytes read before EOF are in {@link #partial()}; they are
 * no longer in the stream's buffer.
 */
public final class IncompleteReadException extends ProcessException {

  private final Buffer partial;
  private final Integer expected;

  /** {@code expected} is {@code null} when the read had no fixed size ({@code readUntil}, {@code readLine}). */
  public IncompleteReadException(Buffer partial, Integer expected) {
    super(ErrorCode.INCOMPLETE_READ, partial.length() + " bytes read on a total of "
      + (expected == null ? "undefined" : expected.toString()) + " expected bytes");
    this.partial = partial;
    this.expected = expected;
  }

  /** The bytes that were read before EOF. */
  public Buffer partial() {
    return partial;
  }

  /** The number of bytes asked for, or {@code null} when it was not fixed. */
  public Integer expected() {
    return expected;
  }
}
