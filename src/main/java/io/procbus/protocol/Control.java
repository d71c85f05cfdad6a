package io.procbus.protocol;

/**
 * Fields of a flow-control grant, sent (not requested) to {@code <prefix>.instance.<instance>.control}:
 * {@code {"id":"…","stdout":65536,"stderr":0}}.
 *
 * <p>Credit is in bytes, per stream. A new process has none: the service reads nothing from its pipes and
 * publishes no event until its owner's first grant, which is how a client that subscribes first and grants
 * second cannot miss a byte. The service reads a pipe while its credit is positive; a chunk may overdraw
 * it by at most one read.
 */
public final class Control {

  /** The process id. */
  public static final String ID = "id";
  /** Bytes of stdout credit added. */
  public static final String STDOUT = "stdout";
  /** Bytes of stderr credit added. */
  public static final String STDERR = "stderr";

  private Control() {
  }
}
