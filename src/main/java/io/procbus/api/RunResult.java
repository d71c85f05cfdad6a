package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What {@code run} returns: the captured output, whether it was cut, and the exit status.
 *
 * <p>JSON (bytes in base64url without padding): {@code {"pid":4242,"stdout":"Mwo","stderr":"","stdoutTruncated":false,"stderrTruncated":false,
 * "stdoutBytes":2,"stderrBytes":0,"exitStatus":{"code":0},"returnCode":0,"inputDelivered":true}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class RunResult {

  private int pid;
  private Buffer stdout;
  private Buffer stderr;
  private boolean stdoutTruncated;
  private boolean stderrTruncated;
  private long stdoutBytes;
  private long stderrBytes;
  private ExitStatus exitStatus;
  private int returnCode;
  private boolean inputDelivered;

  /** An empty result. */
  public RunResult() {
  }

  /** Reads the JSON form. */
  public RunResult(JsonObject json) {
    RunResultConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    RunResultConverter.toJson(this, json);
    return json;
  }

  /** The OS pid the child had. */
  public int getPid() {
    return pid;
  }

  /** Sets the pid. */
  public RunResult setPid(int pid) {
    this.pid = pid;
    return this;
  }

  /** Captured stdout (at most {@code maxOutputBytes}), or {@code null} when stdout was not a pipe. */
  public Buffer getStdout() {
    return stdout;
  }

  /** Sets captured stdout. */
  public RunResult setStdout(Buffer stdout) {
    this.stdout = stdout;
    return this;
  }

  /** Captured stderr (at most {@code maxOutputBytes}), or {@code null} when stderr was not a pipe. */
  public Buffer getStderr() {
    return stderr;
  }

  /** Sets captured stderr. */
  public RunResult setStderr(Buffer stderr) {
    this.stderr = stderr;
    return this;
  }

  /** Whether stdout was cut at {@code maxOutputBytes}. */
  public boolean isStdoutTruncated() {
    return stdoutTruncated;
  }

  /** Sets whether stdout was cut. */
  public RunResult setStdoutTruncated(boolean stdoutTruncated) {
    this.stdoutTruncated = stdoutTruncated;
    return this;
  }

  /** Whether stderr was cut at {@code maxOutputBytes}. */
  public boolean isStderrTruncated() {
    return stderrTruncated;
  }

  /** Sets whether stderr was cut. */
  public RunResult setStderrTruncated(boolean stderrTruncated) {
    this.stderrTruncated = stderrTruncated;
    return this;
  }

  /** Bytes the child wrote to stdout in all, kept or not. */
  public long getStdoutBytes() {
    return stdoutBytes;
  }

  /** Sets the stdout byte count. */
  public RunResult setStdoutBytes(long stdoutBytes) {
    this.stdoutBytes = stdoutBytes;
    return this;
  }

  /** Bytes the child wrote to stderr in all, kept or not. */
  public long getStderrBytes() {
    return stderrBytes;
  }

  /** Sets the stderr byte count. */
  public RunResult setStderrBytes(long stderrBytes) {
    this.stderrBytes = stderrBytes;
    return this;
  }

  /** How the child ended. */
  public ExitStatus getExitStatus() {
    return exitStatus;
  }

  /** Sets how the child ended. */
  public RunResult setExitStatus(ExitStatus exitStatus) {
    this.exitStatus = exitStatus;
    return this;
  }

  /** asyncio's {@code returncode}: the exit code, or {@code -N} for signal N. */
  public int getReturnCode() {
    return returnCode;
  }

  /** Sets the return code. */
  public RunResult setReturnCode(int returnCode) {
    this.returnCode = returnCode;
    return this;
  }

  /** False when the child closed stdin before taking all of the input. */
  public boolean isInputDelivered() {
    return inputDelivered;
  }

  /** Sets whether the input was delivered. */
  public RunResult setInputDelivered(boolean inputDelivered) {
    this.inputDelivered = inputDelivered;
    return this;
  }
}
