package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/** Settings of a {@link ProcessEngine}. */
@DataObject
@JsonGen(publicConverter = false)
public class EngineOptions {

  /** Default for {@link #getKillGraceMillis()}: 5 s between SIGTERM and SIGKILL when the engine closes. */
  public static final long DEFAULT_KILL_GRACE_MILLIS = 5_000;
  /** Default for {@link #getShell()}: the POSIX shell, as asyncio uses. */
  public static final String DEFAULT_SHELL = "/bin/sh";
  /** Default for {@link #getReadBufferSize()}: 64 KiB, one default pipe's capacity. */
  public static final int DEFAULT_READ_BUFFER_SIZE = 65_536;
  /** Default for {@link #isWatchdog()}: children are killed when the JVM dies, however it dies. */
  public static final boolean DEFAULT_WATCHDOG = true;

  private long killGraceMillis = DEFAULT_KILL_GRACE_MILLIS;
  private String shell = DEFAULT_SHELL;
  private int readBufferSize = DEFAULT_READ_BUFFER_SIZE;
  private boolean watchdog = DEFAULT_WATCHDOG;

  /** Options with every default. */
  public EngineOptions() {
  }

  /** A copy. */
  public EngineOptions(EngineOptions other) {
    this.killGraceMillis = other.killGraceMillis;
    this.shell = other.shell;
    this.readBufferSize = other.readBufferSize;
    this.watchdog = other.watchdog;
  }

  /** Reads the JSON form. */
  public EngineOptions(JsonObject json) {
    EngineOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    EngineOptionsConverter.toJson(this, json);
    return json;
  }

  /** Time between SIGTERM and SIGKILL when the engine closes with live children. */
  public long getKillGraceMillis() {
    return killGraceMillis;
  }

  /** Sets the time between SIGTERM and SIGKILL on close. */
  public EngineOptions setKillGraceMillis(long killGraceMillis) {
    this.killGraceMillis = killGraceMillis;
    return this;
  }

  /** The shell that runs {@code shell} commands as {@code <shell> -c <command>}. */
  public String getShell() {
    return shell;
  }

  /** Sets the shell. */
  public EngineOptions setShell(String shell) {
    this.shell = shell;
    return this;
  }

  /** Bytes read from a pipe at most per read call (the size of one output chunk). */
  public int getReadBufferSize() {
    return readBufferSize;
  }

  /** Sets the bytes read from a pipe at most per read call. */
  public EngineOptions setReadBufferSize(int readBufferSize) {
    this.readBufferSize = readBufferSize;
    return this;
  }

  /**
   * Whether the JVM's watchdog process records this engine's children, so that they are killed within a second
   * when the JVM dies without closing the engine ({@code kill -9}, the OOM killer, a crash). See
   * {@code docs/engine.md}.
   */
  public boolean isWatchdog() {
    return watchdog;
  }

  /**
   * Sets whether the watchdog guards this engine's children. Turn it off only to measure its cost, or where a
   * supervisor already kills everything the node started (a systemd unit's cgroup, a container).
   */
  public EngineOptions setWatchdog(boolean watchdog) {
    this.watchdog = watchdog;
    return this;
  }
}
