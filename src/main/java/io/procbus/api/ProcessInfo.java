package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A process as the service reports it: the reply to {@code spawn} and {@code info}, an element of {@code list}.
 *
 * <p>{@link #getId()} names the process on the bus (the pid is information only: it is reused after exit);
 * {@link #getServiceAddress()} is where commands about it go; {@link #getEventAddress()} is where it
 * publishes its events.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ProcessInfo {

  private String id;
  private int pid;
  private String owner;
  private boolean detached;
  private List<String> argv = new ArrayList<>();
  private String instance;
  private String serviceAddress;
  private String controlAddress;
  private String eventAddress;
  private boolean stdinPipe;
  private boolean stdoutPipe;
  private boolean stderrPipe;
  private int limit = ProcessOptions.DEFAULT_LIMIT;
  private int maxStdinMessageBytes;
  private ProcessState state = ProcessState.RUNNING;
  private ExitStatus exitStatus;
  private long startedAt;
  private TerminalSize terminal;

  /** An empty info. */
  public ProcessInfo() {
  }

  /** Reads the JSON form. */
  public ProcessInfo(JsonObject json) {
    ProcessInfoConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ProcessInfoConverter.toJson(this, json);
    return json;
  }

  /** The service-issued process id. */
  public String getId() {
    return id;
  }

  /** Sets the process id. */
  public ProcessInfo setId(String id) {
    this.id = id;
    return this;
  }

  /** The OS pid. */
  public int getPid() {
    return pid;
  }

  /** Sets the OS pid. */
  public ProcessInfo setPid(int pid) {
    this.pid = pid;
    return this;
  }

  /** The owner id. */
  public String getOwner() {
    return owner;
  }

  /** Sets the owner id. */
  public ProcessInfo setOwner(String owner) {
    this.owner = owner;
    return this;
  }

  /** Whether the process outlives its owner's lease. */
  public boolean isDetached() {
    return detached;
  }

  /** Sets whether the process outlives its owner's lease. */
  public ProcessInfo setDetached(boolean detached) {
    this.detached = detached;
    return this;
  }

  /** The argv that was run ({@code /bin/sh -c …} for a shell line). */
  public List<String> getArgv() {
    return argv;
  }

  /** Sets the argv. */
  public ProcessInfo setArgv(List<String> argv) {
    this.argv = argv == null ? new ArrayList<>() : new ArrayList<>(argv);
    return this;
  }

  /** The service instance that runs the process. */
  public String getInstance() {
    return instance;
  }

  /** Sets the instance. */
  public ProcessInfo setInstance(String instance) {
    this.instance = instance;
    return this;
  }

  /** Where commands about this process go: {@code <prefix>.instance.<instance>}. */
  public String getServiceAddress() {
    return serviceAddress;
  }

  /** Sets the command address. */
  public ProcessInfo setServiceAddress(String serviceAddress) {
    this.serviceAddress = serviceAddress;
    return this;
  }

  /** Where flow-control grants go: {@code <prefix>.instance.<instance>.control}. */
  public String getControlAddress() {
    return controlAddress;
  }

  /** Sets the control address. */
  public ProcessInfo setControlAddress(String controlAddress) {
    this.controlAddress = controlAddress;
    return this;
  }

  /** Where the process publishes its events: {@code <prefix>.process.<id>}. */
  public String getEventAddress() {
    return eventAddress;
  }

  /** Sets the event address. */
  public ProcessInfo setEventAddress(String eventAddress) {
    this.eventAddress = eventAddress;
    return this;
  }

  /** Whether stdin is a pipe writable through the service. */
  public boolean isStdinPipe() {
    return stdinPipe;
  }

  /** Sets whether stdin is a pipe. */
  public ProcessInfo setStdinPipe(boolean stdinPipe) {
    this.stdinPipe = stdinPipe;
    return this;
  }

  /** Whether stdout is a pipe published as events. */
  public boolean isStdoutPipe() {
    return stdoutPipe;
  }

  /** Sets whether stdout is a pipe. */
  public ProcessInfo setStdoutPipe(boolean stdoutPipe) {
    this.stdoutPipe = stdoutPipe;
    return this;
  }

  /** Whether stderr is a pipe published as events (false when merged into stdout). */
  public boolean isStderrPipe() {
    return stderrPipe;
  }

  /** Sets whether stderr is a pipe. */
  public ProcessInfo setStderrPipe(boolean stderrPipe) {
    this.stderrPipe = stderrPipe;
    return this;
  }

  /** The read buffer limit asked for. */
  public int getLimit() {
    return limit;
  }

  /** Sets the read buffer limit. */
  public ProcessInfo setLimit(int limit) {
    this.limit = limit;
    return this;
  }

  /** The largest {@code writeStdin} payload the service accepts, in bytes: a client splits larger writes. */
  public int getMaxStdinMessageBytes() {
    return maxStdinMessageBytes;
  }

  /** Sets the largest {@code writeStdin} payload the service accepts. */
  public ProcessInfo setMaxStdinMessageBytes(int maxStdinMessageBytes) {
    this.maxStdinMessageBytes = maxStdinMessageBytes;
    return this;
  }

  /** The state when this info was made. */
  public ProcessState getState() {
    return state;
  }

  /** Sets the state. */
  public ProcessInfo setState(ProcessState state) {
    this.state = state;
    return this;
  }

  /** How the process ended, or {@code null} while it runs. */
  public ExitStatus getExitStatus() {
    return exitStatus;
  }

  /** Sets how the process ended. */
  public ProcessInfo setExitStatus(ExitStatus exitStatus) {
    this.exitStatus = exitStatus;
    return this;
  }

  /** When it started, in milliseconds since the epoch. */
  public long getStartedAt() {
    return startedAt;
  }

  /** Sets when it started. */
  public ProcessInfo setStartedAt(long startedAt) {
    this.startedAt = startedAt;
    return this;
  }

  /**
   * The window size of the process's pseudo-terminal (the latest {@code resize}), or {@code null} when it runs
   * without one. A terminal process's output is its stdout; it has no stderr stream.
   */
  public TerminalSize getTerminal() {
    return terminal;
  }

  /** Sets the terminal's window size. */
  public ProcessInfo setTerminal(TerminalSize terminal) {
    this.terminal = terminal;
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
