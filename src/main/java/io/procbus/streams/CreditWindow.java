package io.procbus.streams;

/**
 * One stream's credit, as both ends of the bus count it: bytes granted by the owner and bytes sent under that
 * credit. The service spends it as it publishes chunks ({@link #add}, {@link #spend}); the owner's client keeps
 * the credit outstanding near its window ({@link #open}, {@link #spend}, {@link #topUp}). Each end holds one
 * window per stream and the two agree on it: what the client granted and not yet received is the service's
 * credit plus what is in flight.
 *
 * <p>A chunk is sent, then spent, so the credit may be overdrawn by one chunk: {@link #credit()} is then
 * negative. The grants add up saturating at {@link Long#MAX_VALUE}, so a huge grant means "unbounded".
 * Not thread-safe: each end keeps it on the child's context. Nothing here allocates.
 */
public final class CreditWindow {

  private long granted;
  private long spent;

  /** Bytes granted so far. */
  public long granted() {
    return granted;
  }

  /** Bytes sent (the service) or received (the client) so far. */
  public long spent() {
    return spent;
  }

  /** Credit left: granted and not yet spent; negative when the last chunk overdrew it. */
  public long credit() {
    return granted - spent;
  }

  /** A grant of {@code n >= 0} bytes arrived (the service); returns whether there is credit now. */
  public boolean add(long n) {
    long g = granted + n;
    granted = g < granted ? Long.MAX_VALUE : g; // saturate
    return credit() > 0;
  }

  /** A chunk of {@code n} bytes was sent (the service) or received (the client); returns whether credit is left. */
  public boolean spend(long n) {
    spent += n;
    return credit() > 0;
  }

  /** The client's first grant: what brings the outstanding credit up to {@code window}; recorded as granted. */
  public long open(long window) {
    long n = Math.max(0, window - credit());
    granted += n;
    return n;
  }

  /**
   * The client's next grant: once less than half of {@code window} is outstanding, what brings it back up to
   * {@code window} (recorded as granted); else 0, so that grants are few and large.
   */
  public long topUp(long window) {
    return 2 * credit() < window ? open(window) : 0; // below half, exactly: a window of 1 never stalls
  }
}
