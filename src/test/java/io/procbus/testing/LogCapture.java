package io.procbus.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one {@code java.util.logging} logger publishes, from {@link #of} until {@link #close()}, with the logger's
 * level set for that span; a hook sees each record first (and may throw, as a broken handler would).
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private final Logger logger;
  private final Level previous;
  private final Consumer<LogRecord> hook;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger, Level level, Consumer<LogRecord> hook) {
    this.logger = logger;
    this.previous = logger.getLevel();
    this.hook = hook;
    logger.setLevel(level);
    logger.addHandler(this);
  }

  /** Captures logger {@code name} at {@code level}. */
  public static LogCapture of(String name, Level level) {
    return of(name, level, r -> { });
  }

  /** Captures logger {@code name} at {@code level}, handing each record to {@code hook} first. */
  public static LogCapture of(String name, Level level, Consumer<LogRecord> hook) {
    return new LogCapture(Logger.getLogger(name), level, hook);
  }

  /** The records captured so far. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public void publish(LogRecord record) {
    hook.accept(record);
    records.add(record);
  }

  @Override
  public void flush() {
  }

  /** Stops capturing and gives the logger its level back. */
  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previous);
  }
}
