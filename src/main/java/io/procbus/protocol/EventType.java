package io.procbus.protocol;

/**
 * The events a process publishes on {@code <prefix>.process.<id>}, each with a {@link Headers#SEQ}.
 *
 * <p>Order: all {@link #STDOUT} chunks before stdout's {@link #EOF}, likewise stderr; {@link #EXIT} after
 * every byte the child itself wrote; {@link #CLOSED} last. {@link #TERMINATED} replaces the rest when the
 * service gives the process up.
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
  /** The service gave the process up (undeploy, lease expiry): {@code {"code":...,"message":...}}; last. */
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
