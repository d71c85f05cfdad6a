package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * How a child ended: either it exited with a code, or a signal killed it. Exactly one is set.
 *
 * <p>{@link #returnCode()} gives asyncio's number: the exit code, or {@code -N} for signal N, so that
 * {@code exit 137} (137) and SIGKILL (-9) stay apart. JSON: {@code {"code":3}} or
 * {@code {"signal":"KILL","signalNumber":9,"coreDumped":false}}.
 */
@DataObject
public final class ExitStatus {

  private final Integer code;
  private final Integer signal;
  private final boolean coreDumped;

  private ExitStatus(Integer code, Integer signal, boolean coreDumped) {
    this.code = code;
    this.signal = signal;
    this.coreDumped = coreDumped;
  }

  /** A normal exit with {@code code} (0–255). */
  public static ExitStatus exited(int code) {
    return new ExitStatus(code, null, false);
  }

  /** Death by signal {@code signal}. */
  public static ExitStatus killed(int signal, boolean coreDumped) {
    return new ExitStatus(null, signal, coreDumped);
  }

  /** Reads the JSON form. */
  public ExitStatus(JsonObject json) {
    this(json.getInteger("code"), json.getInteger("signalNumber"), json.getBoolean("coreDumped", false));
    if ((code == null) == (signal == null)) {
      throw new IllegalArgumentException("exactly one of code and signalNumber must be set: " + json);
    }
  }

  /** The exit code, or {@code null} when a signal ended the process. */
  public Integer code() {
    return code;
  }

  /** The number of the signal that ended the process, or {@code null} after a normal exit. */
  public Integer signal() {
    return signal;
  }

  /** Whether the signal produced a core dump. */
  public boolean coreDumped() {
    return coreDumped;
  }

  /** asyncio's {@code returncode}: the exit code, or {@code -N} for death by signal N. */
  public int returnCode() {
    return code != null ? code : -signal;
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (code != null) {
      json.put("code", code);
    } else {
      json.put("signal", Signal.nameOf(signal)).put("signalNumber", signal).put("coreDumped", coreDumped);
    }
    return json;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExitStatus other && Objects.equals(code, other.code) && Objects.equals(signal, other.signal)
      && coreDumped == other.coreDumped;
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, signal, coreDumped);
  }

  @Override
  public String toString() {
    return code != null ? "exit " + code : "signal " + Signal.nameOf(signal) + (coreDumped ? " (core dumped)" : "");
  }
}
