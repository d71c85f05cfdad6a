package io.procbus.protocol;

/**
 * Fields of a flow-control grant, sent (not requested) to {@code <prefix>.instance.<instance>.control}:
 * {@code {"id":"…","owner":"…","stdout":65536,"stderr":0}}.
 *
 * <p>Credit is in bytes, per stream; a grant adds to it (an absent stream field adds 0). A new process has
 * none: the service reads nothing from its pipes and publishes no event until its owner's first grant (the
 * <em>attach</em>, which may grant 0), which is how a client that subscribes first and grants second cannot
 * miss a byte. The service reads a pipe while its credit is positive; a chunk may overdraw it by at most one
 * read, and at exit the service drains what the child left in its pipes whatever the credit. Grants from
 * anyone but the owner, for unknown ids, or malformed, are ignored: there is no reply.
 */
public final class Control {

  /** The process id. */
  public static final String ID = "id";
  /** The owner sending the grant; it must be the process's owner (any value for a process without owner). */
  public static final String OWNER = "owner";
  /** Bytes of stdout credit added: an integer, 0 or more. */
  public static final String STDOUT = "stdout";
  /** Bytes of stderr credit added: an integer, 0 or more. */
  public static final String STDERR = "stderr";
  /**
   * Protocol version 2: several grants of one owner in one message, {@code {"owner":…,"grants":[{"id":…,
   * "stdout":…,"stderr":…},…]}}, each applied as a grant of its own with the message's owner.
   */
  public static final String GRANTS = "grants";

  private Control() {
  }
}
