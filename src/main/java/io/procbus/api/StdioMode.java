package io.procbus.api;

/** Where a child's stdin, stdout or stderr goes. asyncio: {@code PIPE}, {@code DEVNULL}, {@code None}, {@code STDOUT}, a file. */
public enum StdioMode {
  /** A pipe to the engine: readable (stdout, stderr) or writable (stdin) by the caller. */
  PIPE,
  /** {@code /dev/null}. */
  DEVNULL,
  /** The service's own descriptor. */
  INHERIT,
  /** A file: read from (stdin) or written to (stdout, stderr; truncated or appended). */
  FILE,
  /** stderr only: the same pipe or file as stdout, interleaved in the child's write order. */
  STDOUT
}
