package io.procbus.cli;

/** A failure the CLI reports as one line on standard error and turns into its exit status. */
final class CliException extends Exception {

  private final int status;

  /** A failure with the exit {@code status} and a message a person understands. */
  CliException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The exit status. */
  int status() {
    return status;
  }
}
