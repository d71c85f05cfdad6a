package io.procbus.streams;

/**
 * The demand of a Vert.x {@code ReadStream}: unbounded while flowing, zero after {@code pause()}, raised by
 * {@code fetch(n)} (saturating at unbounded), and taken one item at a time while bounded. Confined to the
 * stream's context thread.
 */
public final class Demand {

  private long value = Long.MAX_VALUE;

  /**
   * Checks a {@code fetch} amount on the caller's thread, as {@code ReadStream.fetch} asks.
   *
   * @throws IllegalArgumentException when {@code amount} is negative
   */
  public static void checkFetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("negative fetch amount: " + amount);
    }
  }

  /** {@code pause()}: nothing more until a fetch. */
  public void pause() {
    value = 0;
  }

  /** {@code fetch(amount)}, {@code amount >= 0}: {@link Long#MAX_VALUE} or more is unbounded. */
  public void add(long amount) {
    value += amount;
    if (value < 0) {
      value = Long.MAX_VALUE;
    }
  }

  /** Whether the reader wants an item now. */
  public boolean wanted() {
    return value > 0;
  }

  /** One item is delivered: counts it against a bounded demand. */
  public void take() {
    if (value != Long.MAX_VALUE) {
      value--;
    }
  }
}
