package io.procbus.api;

/**
 * Stable error codes of procbus, the Java counterparts of asyncio's exceptions.
 *
 * <p>Each code has a fixed name (used on the wire) and a fixed number (the {@code failureCode} of a
 * service reply). Never renumber or rename a code: clients match on them.
 */
public enum ErrorCode {
  /** Bad arguments or options (asyncio: {@code ValueError}). */
  INVALID_ARGUMENT(400),
  /** The process has exited: no signal is sent (asyncio: {@code ProcessLookupError}). */
  PROCESS_LOOKUP(404),
  /** The child closed its stdin, or a write was made after stdin was closed (asyncio: {@code BrokenPipeError}). */
  BROKEN_PIPE(410),
  /** The process exited, or its pipes were lost, before a write completed (asyncio: {@code ConnectionResetError}). */
  CONNECTION_RESET(411),
  /** A line exceeds the stream's {@code limit} (asyncio: {@code readline()}'s {@code ValueError}). */
  LINE_TOO_LONG(412),
  /** {@code readUntil} found no separator within {@code limit} bytes (asyncio: {@code LimitOverrunError}). */
  LIMIT_OVERRUN(413),
  /** EOF came before a read was satisfied (asyncio: {@code IncompleteReadError}). */
  INCOMPLETE_READ(414),
  /** A read was issued while another read on the same stream is pending (asyncio: {@code RuntimeError}). */
  CONCURRENT_READ(409),
  /** The stdin write queue is full; wait for drain (no asyncio counterpart: asyncio buffers without bound). */
  STDIN_FULL(429),
  /** The child could not be started: the message names the errno (asyncio: {@code OSError} from exec). */
  SPAWN_FAILED(500),
  /** The operation did not complete in time; a process it concerned was killed (asyncio: {@code TimeoutError}). */
  TIMEOUT(504),
  /** The engine or service is closed or closing and accepts no new work. */
  CLOSED(503),
  /** No process with this id on this service instance (or it was forgotten after closing). */
  UNKNOWN_PROCESS(420),
  /** The caller is not the owner of the process it names. */
  NOT_OWNER(403),
  /** A configured limit was reached (live children per service or per owner); nothing was started. */
  LIMIT_REACHED(430),
  /** A payload exceeds its configured size (stdin message, run-to-completion input). */
  PAYLOAD_TOO_LARGE(431),
  /** A bus message that cannot be decoded: not a JSON object, a wrong field type, an unknown action. */
  MALFORMED(432),
  /** The process was given up by the service: undeployed, its owner's lease expired, or its owner released it. */
  TERMINATED(440),
  /**
   * Events of a process were lost or reordered on the bus (a gap in {@code seq}): the client stopped tracking
   * the process and killed it, rather than deliver a stream with a hole in it.
   */
  EVENTS_LOST(441),
  /** A spawn or run named a node that no live service instance serves; nothing was started. */
  UNKNOWN_NODE(421),
  /**
   * The node asked to run an admitted request cannot honour its limits (rlimits need {@code prlimit(1)}, runAs
   * needs root and {@code setpriv(1)}), and placement found no node that can; nothing was started.
   */
  INCAPABLE_NODE(422),
  /**
   * The node holding the process stopped answering (no heartbeat within the node timeout): the client gave
   * the process up; it may still run there until its owner's lease expires.
   */
  NODE_LOST(442),
  /**
   * The command policy refused the request (a bridge, or a service with a policy configured); nothing was
   * started. The debug info names the rule: {@code {"code":"DENIED","rule":"program","policyRule":"users"}}.
   */
  DENIED(450),
  /** A bridge connection without valid credentials: the frame is refused and the connection closed. */
  UNAUTHENTICATED(401),
  /** An unexpected failure inside procbus (a bug): the message says what; nothing is implied about the process. */
  INTERNAL(599);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The number sent as a service failure code. */
  public int code() {
    return code;
  }

  /** The code with the given number, or {@code null}. */
  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
