package io.procbus.api;

/** Where a process is in its life, as the service sees it. */
public enum ProcessState {
  /** Started, not yet exited. */
  RUNNING,
  /** Exited; some pipe is still open (a grandchild may hold it). */
  EXITED,
  /** Exited and every pipe closed. */
  CLOSED
}
