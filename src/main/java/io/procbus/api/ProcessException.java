package io.procbus.api;

import java.util.Objects;

/**
 * A procbus failure with a stable {@link ErrorCode}; every failed future of the API carries one.
 *
 * <p>It has no stack trace: these are expected outcomes (a dead process, a closed pipe), not bugs.
 */
public class ProcessException extends RuntimeException {

  private final ErrorCode code;
  private final Integer errno;

  /** A failure with a code and a message. */
  public ProcessException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** A failure with a code, a message and the OS error number that caused it. */
  public ProcessException(ErrorCode code, String message, Integer errno) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code);
    this.errno = errno;
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }

  /** The OS error number ({@code ENOENT} is 2, ...) behind a {@link ErrorCode#SPAWN_FAILED}, or {@code null}. */
  public Integer errno() {
    return errno;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
