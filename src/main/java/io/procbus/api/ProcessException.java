package io.procbus.api;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A procbus failure with a stable {@link ErrorCode}; every failed future of the API carries one.
 *
 * <p>It has no stack trace of its own: these are expected outcomes (a dead process, a closed pipe, a denial), not
 * bugs. An {@link ErrorCode#INTERNAL} failure made from an unexpected exception keeps that exception, with its
 * stack, as its {@link #getCause() cause}.
 */
public class ProcessException extends RuntimeException {

  private final ErrorCode code;
  private final Integer errno;
  private final JsonObject details;

  /** A failure with a code and a message. */
  public ProcessException(ErrorCode code, String message) {
    this(code, message, (Integer) null);
  }

  /** A failure with a code, a message and the OS error number that caused it. */
  public ProcessException(ErrorCode code, String message, Integer errno) {
    this(code, message, errno, null, null);
  }

  /**
   * A failure with everything it can carry.
   *
   * @param errno the OS error number behind it, or {@code null}
   * @param details what the wire's debug info adds beside {@code code} and {@code errno} (a denial names its
   *     {@code rule} and {@code policyRule}), or {@code null}
   * @param cause the unexpected exception behind an {@link ErrorCode#INTERNAL} failure, or {@code null}
   */
  public ProcessException(ErrorCode code, String message, Integer errno, JsonObject details, Throwable cause) {
    super(message, cause, false, false);
    this.code = Objects.requireNonNull(code);
    this.errno = errno;
    this.details = details == null ? new JsonObject() : details.copy();
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }

  /** The OS error number ({@code ENOENT} is 2, ...) behind a {@link ErrorCode#SPAWN_FAILED}, or {@code null}. */
  public Integer errno() {
    return errno;
  }

  /** What the failure says beside its code, message and errno (a denial: {@code rule}, {@code policyRule}). */
  public JsonObject details() {
    return details.copy();
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
