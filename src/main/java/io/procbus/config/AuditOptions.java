package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * The audit log: one JSON line per spawn, signal, kill, denial and exit, in a file rotated at
 * {@code maxBytes} keeping {@code files} old files ({@code audit.log.1} … {@code audit.log.N}).
 *
 * <p>JSON: {@code {"file":"/var/log/procbus/audit.log","maxBytes":10485760,"files":5}}. Without a file there
 * is no audit log.
 */
@DataObject
@JsonGen(publicConverter = false)
public class AuditOptions {

  /** Default for {@link #getMaxBytes()}: 10 MiB. */
  public static final long DEFAULT_MAX_BYTES = 10L << 20;
  /** Default for {@link #getFiles()}: old files kept. */
  public static final int DEFAULT_FILES = 5;

  private String file;
  private long maxBytes = DEFAULT_MAX_BYTES;
  private int files = DEFAULT_FILES;

  /** Every default: no audit log. */
  public AuditOptions() {
  }

  /** A copy. */
  public AuditOptions(AuditOptions other) {
    this.file = other.file;
    this.maxBytes = other.maxBytes;
    this.files = other.files;
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public AuditOptions(JsonObject json) {
    AuditOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    AuditOptionsConverter.toJson(this, json);
    return json;
  }

  /** The audit file, or {@code null} for none. */
  public String getFile() {
    return file;
  }

  /** Sets the audit file. */
  public AuditOptions setFile(String file) {
    this.file = file;
    return this;
  }

  /** The size at which the file is rotated. */
  public long getMaxBytes() {
    return maxBytes;
  }

  /** Sets the size at which the file is rotated. */
  public AuditOptions setMaxBytes(long maxBytes) {
    this.maxBytes = maxBytes;
    return this;
  }

  /** How many rotated files are kept. */
  public int getFiles() {
    return files;
  }

  /** Sets how many rotated files are kept. */
  public AuditOptions setFiles(int files) {
    this.files = files;
    return this;
  }
}
