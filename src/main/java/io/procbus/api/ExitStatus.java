package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * How a child ended: either it exited with a code, or a signal killed it. Exactly one is set.
 *
 * <p>{@link #returnCode()} gives asyncio's number: the exit code, or {@code -N} for signal N, so that
 * {@code exit 137} (137) and SIGKILL (-9) stay apart. JSON: {@code {"code":3}} or
 * {@code {"signal":"KILL","signalNumber":9,"coreDumped":false}}, each with {@code "usage"} (a
 * {@link ResourceUsage}) when the reaper measured it.
 *
 * <p>Equality is the outcome only (code, signal, core dump): the usage is a measurement, not part of how the
 * child ended.
 */
@DataObject
public final class ExitStatus {

  private final Integer code;
  private final Integer signal;
  private final boolean coreDumped;
  private final ResourceUsage usage;

  private ExitStatus(Integer code, Integer signal, boolean coreDumped, ResourceUsage usage) {
    this.code = code;
    this.signal = signal;
    this.coreDumped = coreDumped;
    this.usage = usage;
  }

  /** A normal exit with {@code code} (0–255). */
  public static ExitStatus exited(int code) {
    return new ExitStatus(code, null, false, null);
  }

  /** Death by signal {@code signal}. */
  public static ExitStatus killed(int signal, boolean coreDumped) {
    return new ExitStatus(null, signal, coreDumped, null);
  }

  /** Reads the JSON form. */
  public ExitStatus(JsonObject json) {
    this(json.getInteger("code"), json.getInteger("signalNumber"), json.getBoolean("coreDumped", false),
      json.getJsonObject("usage") == null ? null : new ResourceUsage(json.getJsonObject("usage")));
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

  /** What the child used, or {@code null} when it was not measured. */
  public ResourceUsage usage() {
    return usage;
  }

  /** This outcome with the child's resource usage. */
  public ExitStatus withUsage(ResourceUsage usage) {
    return new ExitStatus(code, signal, coreDumped, usage);
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
    if (usage != null) {
      json.put("usage", usage.toJson());
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
