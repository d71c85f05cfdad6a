package io.procbus.api;

/**
 * A separator was not found within the stream's limit ({@link ErrorCode#LIMIT_OVERRUN}).
 *
 * <p>asyncio: {@code LimitOverrunError}. The data stays in the buffer; {@link #consumed()} says how many
 * bytes a caller would have to consume to get past it.
 */
public final class LimitOverrunException extends ProcessException {

  private final int consumed;

  /** A limit overrun after {@code consumed} bytes. */
  public LimitOverrunException(String message, int consumed) {
    super(ErrorCode.LIMIT_OVERRUN, message);
    this.consumed = consumed;
  }

  /** The number of bytes to be consumed. */
  public int consumed() {
    return consumed;
  }
}
