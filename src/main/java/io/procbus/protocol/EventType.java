package io.procbus.protocol;

/**
 * The events a process publishes on {@code <prefix>.process.<id>}, each with a {@link Headers#SEQ}.
 *
 * <p>Order: all {@link #STDOUT} chunks before stdout's {@link #EOF}, likewise stderr; {@link #EXIT} after
 * every byte the child itself wrote; {@link #CLOSED} last. {@link #TERMINATED} announces that the service
 * gave the process up: no chunk follows it, but {@link #EOF}, {@link #STDIN_CLOSED}, {@link #EXIT} and
 * {@link #CLOSED} still do, so that an observer learns when the child is gone.
 */
public enum EventType {
  /** A stdout chunk: a {@code Buffer} body, never empty. */
  STDOUT("stdout"),
  /** A stderr chunk: a {@code Buffer} body, never empty. */
  STDERR("stderr"),
  /** A stream reached EOF: {@code {"stream":"stdout"}}, or it failed: with {@code "error"}. */
  EOF("eof"),
  /** The child's stdin closed: {@code {"error":null}} or the error. */
  STDIN_CLOSED("stdin-closed"),
  /** The child exited: an {@code ExitStatus} body ({@code {"code":0}} or {@code {"signal":"KILL",...}}). */
  EXIT("exit"),
  /** Exit is known and every pipe is closed: {@code {}}. The last event of a process. */
  CLOSED("closed"),
  /**
   * The service gave the process up (undeploy, lease expiry, release) and is terminating it (TERM, grace,
   * KILL): {@code {"code":440,"reason":"lease-expired","message":"…"}}. No chunk follows.
   */
  TERMINATED("terminated");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  /** The name in the {@link Headers#TYPE} header. */
  public String wire() {
    return wire;
  }

  /** The type with this wire name, or {@code null}. */
  public static EventType of(String wire) {
    for (EventType t : values()) {
      if (t.wire.equals(wire)) {
        return t;
      }
    }
    return null;
  }
}
