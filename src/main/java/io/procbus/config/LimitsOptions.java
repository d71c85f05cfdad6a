package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/** The limits a procbus service enforces; a request beyond one gets a documented error code. */
@DataObject
@JsonGen(publicConverter = false)
public class LimitsOptions {

  /** Default for {@link #getMaxProcesses()}. */
  public static final int DEFAULT_MAX_PROCESSES = 1024;
  /** Default for {@link #getMaxProcessesPerOwner()}. */
  public static final int DEFAULT_MAX_PROCESSES_PER_OWNER = 256;
  /** Default for {@link #getMaxStdinMessageBytes()}: 1 MiB. */
  public static final int DEFAULT_MAX_STDIN_MESSAGE_BYTES = 1 << 20;
  /** Default for {@link #getMaxRunOutputBytes()}: 16 MiB per stream. */
  public static final int DEFAULT_MAX_RUN_OUTPUT_BYTES = 16 << 20;
  /** Default for {@link #getSpawnTimeoutMillis()}. */
  public static final long DEFAULT_SPAWN_TIMEOUT_MILLIS = 10_000;
  /** Default for {@link #getLeaseMillis()}. */
  public static final long DEFAULT_LEASE_MILLIS = 30_000;
  /** Default for {@link #getRetainClosedMillis()}. */
  public static final long DEFAULT_RETAIN_CLOSED_MILLIS = 30_000;
  /** Default for {@link #getReplayMaxBytes()}: 1 MiB of chunk data per process. */
  public static final int DEFAULT_REPLAY_MAX_BYTES = 1 << 20;
  /** Default for {@link #getReplayMaxEvents()}: events per process. */
  public static final int DEFAULT_REPLAY_MAX_EVENTS = 4096;
  /**
   * Most {@link #getReplayMaxBytes()} may be: 2 MiB, so that a full ring, base64 in its JSON reply, fits the bridges'
   * 4 MiB frame.
   */
  public static final int MAX_REPLAY_BYTES = 2 << 20;
  /** Most {@link #getReplayMaxEvents()} may be: 8192 (each event adds about a hundred bytes of JSON to the reply). */
  public static final int MAX_REPLAY_EVENTS = 8192;
  /** Default for {@link #getReplayMaxClosed()}: closed processes whose events are kept. */
  public static final int DEFAULT_REPLAY_MAX_CLOSED = 64;

  private int maxProcesses = DEFAULT_MAX_PROCESSES;
  private int maxProcessesPerOwner = DEFAULT_MAX_PROCESSES_PER_OWNER;
  private int maxStdinMessageBytes = DEFAULT_MAX_STDIN_MESSAGE_BYTES;
  private int maxRunOutputBytes = DEFAULT_MAX_RUN_OUTPUT_BYTES;
  private long spawnTimeoutMillis = DEFAULT_SPAWN_TIMEOUT_MILLIS;
  private long leaseMillis = DEFAULT_LEASE_MILLIS;
  private long retainClosedMillis = DEFAULT_RETAIN_CLOSED_MILLIS;
  private int replayMaxBytes = DEFAULT_REPLAY_MAX_BYTES;
  private int replayMaxEvents = DEFAULT_REPLAY_MAX_EVENTS;
  private int replayMaxClosed = DEFAULT_REPLAY_MAX_CLOSED;

  /** Every default. */
  public LimitsOptions() {
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public LimitsOptions(JsonObject json) {
    LimitsOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    LimitsOptionsConverter.toJson(this, json);
    return json;
  }

  /** Live children per service instance; beyond: {@code LIMIT_REACHED}. */
  public int getMaxProcesses() {
    return maxProcesses;
  }

  /** Sets the live children per service instance. */
  public LimitsOptions setMaxProcesses(int maxProcesses) {
    this.maxProcesses = maxProcesses;
    return this;
  }

  /** Live children per owner; beyond: {@code LIMIT_REACHED}. */
  public int getMaxProcessesPerOwner() {
    return maxProcessesPerOwner;
  }

  /** Sets the live children per owner. */
  public LimitsOptions setMaxProcessesPerOwner(int maxProcessesPerOwner) {
    this.maxProcessesPerOwner = maxProcessesPerOwner;
    return this;
  }

  /** Bytes in one stdin write; beyond: {@code PAYLOAD_TOO_LARGE}. */
  public int getMaxStdinMessageBytes() {
    return maxStdinMessageBytes;
  }

  /** Sets the bytes in one stdin write. */
  public LimitsOptions setMaxStdinMessageBytes(int maxStdinMessageBytes) {
    this.maxStdinMessageBytes = maxStdinMessageBytes;
    return this;
  }

  /** Bytes a run-to-completion keeps per stream, whatever the request asks; the rest is counted and dropped. */
  public int getMaxRunOutputBytes() {
    return maxRunOutputBytes;
  }

  /** Sets the bytes a run-to-completion keeps per stream. */
  public LimitsOptions setMaxRunOutputBytes(int maxRunOutputBytes) {
    this.maxRunOutputBytes = maxRunOutputBytes;
    return this;
  }

  /** Time a spawn may take before it fails with {@code TIMEOUT} (the child, if any, is killed). */
  public long getSpawnTimeoutMillis() {
    return spawnTimeoutMillis;
  }

  /** Sets the time a spawn may take. */
  public LimitsOptions setSpawnTimeoutMillis(long spawnTimeoutMillis) {
    this.spawnTimeoutMillis = spawnTimeoutMillis;
    return this;
  }

  /** How long an owner's lease lasts without renewal; then its children are terminated. */
  public long getLeaseMillis() {
    return leaseMillis;
  }

  /** Sets how long an owner's lease lasts. */
  public LimitsOptions setLeaseMillis(long leaseMillis) {
    this.leaseMillis = leaseMillis;
    return this;
  }

  /** How long a closed process stays visible to {@code info}. */
  public long getRetainClosedMillis() {
    return retainClosedMillis;
  }

  /** Sets how long a closed process stays visible. */
  public LimitsOptions setRetainClosedMillis(long retainClosedMillis) {
    this.retainClosedMillis = retainClosedMillis;
    return this;
  }

  /** Bytes of output chunks the service keeps per process for {@code replay}; older events are dropped first. */
  public int getReplayMaxBytes() {
    return replayMaxBytes;
  }

  /** Sets the bytes of output chunks kept per process for {@code replay} (0: none). */
  public LimitsOptions setReplayMaxBytes(int replayMaxBytes) {
    this.replayMaxBytes = replayMaxBytes;
    return this;
  }

  /** Events the service keeps per process for {@code replay}; older events are dropped first. */
  public int getReplayMaxEvents() {
    return replayMaxEvents;
  }

  /** Sets the events kept per process for {@code replay} (0: none). */
  public LimitsOptions setReplayMaxEvents(int replayMaxEvents) {
    this.replayMaxEvents = replayMaxEvents;
    return this;
  }

  /**
   * Closed processes whose events stay kept for {@code replay} (each for {@link #getRetainClosedMillis()});
   * beyond it, the events of the one closed longest ago are dropped.
   */
  public int getReplayMaxClosed() {
    return replayMaxClosed;
  }

  /** Sets the closed processes whose events stay kept for {@code replay}. */
  public LimitsOptions setReplayMaxClosed(int replayMaxClosed) {
    this.replayMaxClosed = replayMaxClosed;
    return this;
  }
}
