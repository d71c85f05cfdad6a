package io.procbus.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.Base64;

/**
 * Body fields of the JSON events a process publishes (the chunk events have a {@code Buffer} body and no
 * field, except in the bridge form). See {@code docs/protocol.md} for an example of each event.
 */
public final class EventFields {

  /** {@code eof}: which stream ended, {@code "stdout"} or {@code "stderr"}; bridge chunk form: the same. */
  public static final String STREAM = "stream";
  /** {@code eof}, {@code stdin-closed}: {@code null}, or why the pipe was lost. */
  public static final String ERROR = "error";
  /**
   * {@code eof}, {@code stdin-closed}: when {@link #ERROR} is set, the {@code ErrorCode} name that goes with it
   * ({@code "BROKEN_PIPE"}, {@code "CONNECTION_RESET"}).
   */
  public static final String ERROR_CODE = "errorCode";
  /** {@code exit}: the exit code, when the child exited normally. {@code terminated}: the error number. */
  public static final String CODE = "code";
  /** {@code exit}: the name of the signal that killed the child ({@code "KILL"}, {@code "RT36"}). */
  public static final String SIGNAL = "signal";
  /** {@code exit}: the number of the signal that killed the child. */
  public static final String SIGNAL_NUMBER = "signalNumber";
  /** {@code exit}: whether the signal dumped core. */
  public static final String CORE_DUMPED = "coreDumped";
  /**
   * {@code exit}: what the child used, as the kernel counted it at the reap: {@code userCpuMicros},
   * {@code systemCpuMicros}, {@code maxRssKiB} (an {@code api.ResourceUsage}).
   */
  public static final String USAGE = "usage";
  /** {@code terminated}: why the service gave the process up, for humans. */
  public static final String MESSAGE = "message";
  /** {@code terminated}: why, for programs: {@code "undeployed"}, {@code "lease-expired"} or {@code "released"}. */
  public static final String REASON = "reason";
  /** Bridge chunk form only: the chunk's bytes in base64url (RFC 4648 §5) without padding. */
  public static final String DATA = "data";
  /** Bridge chunk form only: the event's sequence number, as in the {@link Headers#SEQ} header. */
  public static final String SEQ = "seq";

  private EventFields() {
  }

  /** The {@link #DATA} value of a chunk: its bytes in base64url without padding. */
  public static String data(Buffer chunk) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(chunk.getBytes());
  }
}
