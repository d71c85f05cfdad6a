package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A spawn over the bus: an argv ({@link #getCommand()}) or a shell command line ({@link #getShell()}), exactly
 * one; the {@link ProcessOptions}; the owner; and an optional run-time limit.
 *
 * <p>Over the bus an unset stream is a {@link StdioMode#PIPE} (streamed as events, stdin writable through
 * the service), as in asyncio's low-level API. JSON:
 * {@code {"command":["ls","-l"],"options":{"cwd":"/tmp"},"owner":"c0ffee"}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class SpawnRequest {

  /** Default for {@link #isDetached()}: the child dies with its owner's lease. */
  public static final boolean DEFAULT_DETACHED = false;
  /** Default for {@link #getTimeoutMillis()}: no run-time limit. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 0;
  /** Default for {@link #getKillSignal()}: the signal sent when the run-time limit passes. */
  public static final String DEFAULT_KILL_SIGNAL = "KILL";
  /** {@link #getNode()}: the least-loaded live node (the same as {@code null}). */
  public static final String ANY_NODE = "any";
  /** {@link #getNode()}: the instance that receives the request (the Java client sends it to its own JVM). */
  public static final String LOCAL_NODE = "local";

  private List<String> command;
  private String shell;
  private ProcessOptions options = new ProcessOptions();
  private String owner;
  private boolean detached = DEFAULT_DETACHED;
  private long timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
  private String killSignal = DEFAULT_KILL_SIGNAL;
  private String node;
  private Admission admission;
  private String eventAddress;

  /** An empty request; set a command or a shell line. */
  public SpawnRequest() {
  }

  /** A deep copy. */
  public SpawnRequest(SpawnRequest other) {
    this(other.toJson());
  }

  /** Reads the JSON form. */
  public SpawnRequest(JsonObject json) {
    SpawnRequestConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    SpawnRequestConverter.toJson(this, json);
    return json;
  }

  /** The argv to run without a shell, or {@code null}. */
  public List<String> getCommand() {
    return command;
  }

  /** Sets the argv to run without a shell. */
  public SpawnRequest setCommand(List<String> command) {
    this.command = command == null ? null : new ArrayList<>(command);
    return this;
  }

  /** The command line to run with {@code /bin/sh -c}, or {@code null}. */
  public String getShell() {
    return shell;
  }

  /** Sets the command line to run with {@code /bin/sh -c}. */
  public SpawnRequest setShell(String shell) {
    this.shell = shell;
    return this;
  }

  /** Streams, cwd, environment, process group and read limit. */
  public ProcessOptions getOptions() {
    return options;
  }

  /** Sets the process options. */
  public SpawnRequest setOptions(ProcessOptions options) {
    this.options = options;
    return this;
  }

  /** The owner: the client whose lease keeps the child alive, and who alone controls it. */
  public String getOwner() {
    return owner;
  }

  /** Sets the owner. */
  public SpawnRequest setOwner(String owner) {
    this.owner = owner;
    return this;
  }

  /** Whether the child outlives its owner's lease (it still dies when the service stops). */
  public boolean isDetached() {
    return detached;
  }

  /** Sets whether the child outlives its owner's lease. */
  public SpawnRequest setDetached(boolean detached) {
    this.detached = detached;
    return this;
  }

  /** Run-time limit in milliseconds (0: none); then {@link #getKillSignal()} is sent. */
  public long getTimeoutMillis() {
    return timeoutMillis;
  }

  /** Sets the run-time limit in milliseconds (0: none). */
  public SpawnRequest setTimeoutMillis(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    return this;
  }

  /** The signal name ({@code "TERM"}, {@code "KILL"}, …) sent when the run-time limit passes. */
  public String getKillSignal() {
    return killSignal;
  }

  /** Sets the signal sent when the run-time limit passes. */
  public SpawnRequest setKillSignal(String killSignal) {
    this.killSignal = killSignal;
    return this;
  }

  /**
   * Where the child runs: {@code null} or {@value #ANY_NODE} for the least-loaded live node (the receiving
   * instance picks), {@value #LOCAL_NODE} for the instance that receives the request, or a node name
   * ({@code UNKNOWN_NODE} when nobody serves it).
   */
  public String getNode() {
    return node;
  }

  /** Sets where the child runs ({@code null}, {@value #ANY_NODE}, {@value #LOCAL_NODE} or a node name). */
  public SpawnRequest setNode(String node) {
    this.node = node;
    return this;
  }

  /**
   * The bridge's seal on this request, or {@code null}: set by the bridge that admitted it, never by a Java
   * caller. A sealed request runs exactly as sealed on any node, or is refused with {@code DENIED}.
   */
  public Admission getAdmission() {
    return admission;
  }

  /** Sets the bridge's seal. */
  public SpawnRequest setAdmission(Admission admission) {
    this.admission = admission;
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }

  /**
   * Where the service sends the process's events (protocol version 2, {@code ProtocolVersion}): the owner's own
   * address {@code <prefix>.client.<client>}, one per client, or {@code null} (version 1) for the process's
   * address only. A {@code run} ignores it; a bridge refuses it.
   */
  public String getEventAddress() {
    return eventAddress;
  }

  /** Sets the owner's event address ({@code <prefix>.client.<client>}), or {@code null} for the process's address. */
  public SpawnRequest setEventAddress(String eventAddress) {
    this.eventAddress = eventAddress;
    return this;
  }
}
