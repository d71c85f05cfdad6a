package io.procbus.api;

import io.vertx.core.buffer.Buffer;

/**
 * What {@link ChildProcess#communicate} returns: all of stdout and stderr, and the exit status.
 *
 * <p>asyncio: the {@code (stdout_data, stderr_data)} tuple. A stream that is not a pipe gives {@code null}
 * (not an empty buffer), as asyncio gives {@code None}.
 *
 * @param stdout everything the child wrote to stdout, or {@code null} when stdout is not a pipe
 * @param stderr everything the child wrote to stderr, or {@code null} when stderr is not a pipe
 * @param exitStatus how the child ended
 * @param inputDelivered false when the input could not be written whole (the child closed stdin, or
 *     stdin was closed before); asyncio drops such input silently
 */
public record CommunicateResult(Buffer stdout, Buffer stderr, ExitStatus exitStatus, boolean inputDelivered) {

  /** asyncio's {@code returncode}: the exit code, or {@code -N} for death by signal N. */
  public int returnCode() {
    return exitStatus.returnCode();
  }
}
