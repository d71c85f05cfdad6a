package io.procbus.api;

/** A child's stdout or stderr pipe. asyncio: {@code ReadTransport}. */
public interface ReadPipeTransport extends PipeTransport {

  /** Stops reading the pipe: the child blocks once the pipe is full. asyncio: {@code pause_reading()}. */
  void pauseReading();

  /** Starts reading again. asyncio: {@code resume_reading()}. */
  void resumeReading();

  /** Whether the pipe is being read. asyncio: {@code is_reading()}. */
  boolean isReading();
}
