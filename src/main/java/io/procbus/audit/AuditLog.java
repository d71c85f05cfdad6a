package io.procbus.audit;

import io.procbus.config.AuditOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit log: one JSON line per spawn, signal, kill, denial and exit, appended to a file that is rotated
 * when it would exceed {@code maxBytes} ({@code audit.log} → {@code audit.log.1} → … → {@code audit.log.N},
 * the oldest dropped).
 *
 * <p>Callers on the event loop only encode the line and offer it to a bounded queue; one daemon thread writes
 * and rotates. When the queue is full (a disk that stopped) lines are dropped and counted ({@link #dropped()}),
 * and the count is written as a {@code "dropped"} line once writing resumes: the event loop never blocks.
 */
public final class AuditLog implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
  private static final int QUEUE = 8192;
  private static final String STOP = "";

  /** A log that writes nothing. */
  public static final AuditLog NONE = new AuditLog();

  private final Path file;
  private final long maxBytes;
  private final int files;
  private final BlockingQueue<String> queue;
  private final Thread writer;
  // Any thread
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();

  private AuditLog() {
    file = null;
    maxBytes = 0;
    files = 0;
    queue = null;
    writer = null;
  }

  private AuditLog(AuditOptions options) {
    this.file = Path.of(options.getFile());
    this.maxBytes = options.getMaxBytes();
    this.files = options.getFiles();
    this.queue = new ArrayBlockingQueue<>(QUEUE);
    this.writer = new Thread(this::drain, "procbus-audit");
    writer.setDaemon(true);
  }

  /**
   * The audit log {@code options} describe, writing; {@link #NONE} when no file is configured.
   *
   * @throws IllegalArgumentException for a bad size, count or directory
   */
  public static AuditLog open(AuditOptions options) {
    if (options == null || options.getFile() == null) {
      return NONE;
    }
    if (options.getMaxBytes() < 1024) {
      throw new IllegalArgumentException("bad configuration at 'audit.maxBytes': must be at least 1024");
    }
    if (options.getFiles() < 0) {
      throw new IllegalArgumentException("bad configuration at 'audit.files': must be at least 0");
    }
    Path parent = Path.of(options.getFile()).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException | RuntimeException e) {
      // reported below, naming the key
    }
    if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
      throw new IllegalArgumentException("bad configuration at 'audit.file': directory " + parent
        + " does not exist or is not writable");
    }
    AuditLog log = new AuditLog(options);
    log.writer.start();
    return log;
  }

  /**
   * Records one event: {@code {"time":…,"event":…}} plus {@code fields} (principal, node, argv, cwd, decision,
   * pid, exit…). Never blocks.
   */
  public void record(String event, JsonObject fields) {
    if (queue == null) {
      return;
    }
    JsonObject line = new JsonObject().put("time", Instant.now().toString()).put("event", event);
    line.mergeIn(fields);
    if (!queue.offer(line.encode())) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped because the writer fell behind. */
  public long dropped() {
    return dropped.get();
  }

  /** Lines written so far. */
  public long written() {
    return written.get();
  }

  private void drain() {
    OutputStream out = null;
    long size = 0;
    long reportedDrops = 0;
    try {
      while (true) {
        String line = queue.poll(1, TimeUnit.SECONDS);
        if (line == null) {
          continue;
        }
        if (line == STOP) {
          break;
        }
        long drops = dropped.get();
        if (drops != reportedDrops) {
          line = new JsonObject().put("time", Instant.now().toString()).put("event", "dropped")
            .put("count", drops - reportedDrops).encode() + "\n" + line;
          reportedDrops = drops;
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
          if (out == null) {
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = Files.size(file);
          }
          if (size > 0 && size + bytes.length > maxBytes) {
            out.close();
            rotate();
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = 0;
          }
          out.write(bytes);
          out.flush();
          size += bytes.length;
          written.incrementAndGet();
        } catch (IOException e) {
          dropped.incrementAndGet();
          LOG.log(Level.WARNING, "audit log " + file + ": " + e);
          out = closeQuietly(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(out);
    }
  }

  private void rotate() throws IOException {
    if (files == 0) {
      Files.deleteIfExists(file);
      return;
    }
    Files.deleteIfExists(numbered(files));
    for (int i = files - 1; i >= 1; i--) {
      if (Files.exists(numbered(i))) {
        Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
  }

  private Path numbered(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private static OutputStream closeQuietly(OutputStream out) {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
    return null;
  }

  /** Writes what is queued, then stops the writer (waits at most 5 s). */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    try {
      queue.offer(STOP, 5, TimeUnit.SECONDS);
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
