package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonObject;

/**
 * What a child used, as the kernel counted it when the child was reaped ({@code struct rusage} from
 * {@code waitid}): user and system CPU time and the peak resident set size. It covers the child itself, not the
 * grandchildren it left running or did not wait for.
 *
 * <p>JSON: {@code {"userCpuMicros":512034,"systemCpuMicros":8004,"maxRssKiB":10240}}.
 */
@DataObject
public final class ResourceUsage {

  private final long userCpuMicros;
  private final long systemCpuMicros;
  private final long maxRssKiB;

  /** The figures, in microseconds of CPU and kibibytes of memory. */
  public ResourceUsage(long userCpuMicros, long systemCpuMicros, long maxRssKiB) {
    this.userCpuMicros = userCpuMicros;
    this.systemCpuMicros = systemCpuMicros;
    this.maxRssKiB = maxRssKiB;
  }

  /** Reads the JSON form. */
  public ResourceUsage(JsonObject json) {
    this(json.getLong("userCpuMicros", 0L), json.getLong("systemCpuMicros", 0L), json.getLong("maxRssKiB", 0L));
  }

  /** CPU time spent in user mode, in microseconds. */
  public long userCpuMicros() {
    return userCpuMicros;
  }

  /** CPU time spent in the kernel on the child's behalf, in microseconds. */
  public long systemCpuMicros() {
    return systemCpuMicros;
  }

  /** The peak resident set size, in KiB. */
  public long maxRssKiB() {
    return maxRssKiB;
  }

  /** The JSON form. */
  public JsonObject toJson() {
    return new JsonObject().put("userCpuMicros", userCpuMicros).put("systemCpuMicros", systemCpuMicros)
      .put("maxRssKiB", maxRssKiB);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceUsage other && userCpuMicros == other.userCpuMicros
      && systemCpuMicros == other.systemCpuMicros && maxRssKiB == other.maxRssKiB;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(userCpuMicros) * 31 * 31 + Long.hashCode(systemCpuMicros) * 31 + Long.hashCode(maxRssKiB);
  }

  @Override
  public String toString() {
    return String.format("user %.3fs system %.3fs maxrss %d KiB", userCpuMicros / 1e6, systemCpuMicros / 1e6,
      maxRssKiB);
  }
}
