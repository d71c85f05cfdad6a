package io.procbus.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.procbus.api.ExitStatus;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process service's metrics in a Micrometer registry; in Prometheus form:
 *
 * <ul>
 *   <li>{@code procbus_children_started_total}, {@code procbus_children_running};</li>
 *   <li>{@code procbus_children_exited_total{outcome="code|signal|launch_failure"}};</li>
 *   <li>{@code procbus_children_killed_total} (SIGKILL after the grace);</li>
 *   <li>{@code procbus_children_leftover_total} (left running by a previous run, killed at start);</li>
 *   <li>{@code procbus_spawn_latency_seconds} (histogram: {@code _bucket}, {@code _count}, {@code _sum});</li>
 *   <li>{@code procbus_stream_bytes_total{stream="stdin|stdout|stderr"}};</li>
 *   <li>{@code procbus_flow_pauses_total{stream="stdout|stderr"}};</li>
 *   <li>{@code procbus_requests_denied_total}, {@code procbus_lease_expiries_total}.</li>
 * </ul>
 *
 * <p>One instance per registry, shared by every service instance of the node, so that {@code running} counts
 * the node's children.
 */
final class MicrometerMonitor implements ServiceMonitor {

  private static final Map<MeterRegistry, MicrometerMonitor> BY_REGISTRY = new WeakHashMap<>();

  private final AtomicInteger running = new AtomicInteger();
  private final Counter started;
  private final Counter exitedCode;
  private final Counter exitedSignal;
  private final Counter launchFailure;
  private final Counter killed;
  private final Counter leftover;
  private final Timer spawnLatency;
  private final Counter stdinBytes;
  private final Counter stdoutBytes;
  private final Counter stderrBytes;
  private final Counter stdoutPauses;
  private final Counter stderrPauses;
  private final Counter denied;
  private final Counter leaseExpiries;

  private MicrometerMonitor(MeterRegistry registry) {
    Gauge.builder("procbus.children.running", running, AtomicInteger::get)
      .description("Children alive now (spawned, not yet reaped)").register(registry);
    started = Counter.builder("procbus.children.started").description("Children spawned").register(registry);
    exitedCode = exited(registry, "code");
    exitedSignal = exited(registry, "signal");
    launchFailure = exited(registry, "launch_failure");
    killed = Counter.builder("procbus.children.killed").description("Children sent SIGKILL after the kill grace")
      .register(registry);
    leftover = Counter.builder("procbus.children.leftover")
      .description("Children a previous run left running (its JVM and watchdog died), killed at start")
      .register(registry);
    spawnLatency = Timer.builder("procbus.spawn.latency").description("From an accepted spawn to the child running")
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
      .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    stdinBytes = bytes(registry, "stdin");
    stdoutBytes = bytes(registry, "stdout");
    stderrBytes = bytes(registry, "stderr");
    stdoutPauses = pauses(registry, "stdout");
    stderrPauses = pauses(registry, "stderr");
    denied = Counter.builder("procbus.requests.denied").description("Requests refused by policy").register(registry);
    leaseExpiries = Counter.builder("procbus.lease.expiries").description("Owner leases that expired")
      .register(registry);
  }

  /** The monitor of the node's default Vert.x registry, or {@link ServiceMonitor#NOOP} when there is none. */
  static ServiceMonitor forDefaultRegistry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry == null ? NOOP : forRegistry(registry);
  }

  /** The monitor that feeds {@code registry}. */
  static synchronized MicrometerMonitor forRegistry(MeterRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, MicrometerMonitor::new);
  }

  private static Counter exited(MeterRegistry registry, String outcome) {
    return Counter.builder("procbus.children.exited").tag("outcome", outcome)
      .description("Children ended, by outcome: exit code, signal, or a launch that failed").register(registry);
  }

  private static Counter bytes(MeterRegistry registry, String stream) {
    return Counter.builder("procbus.stream.bytes").baseUnit("bytes").tag("stream", stream)
      .description("Bytes through the children's pipes").register(registry);
  }

  private static Counter pauses(MeterRegistry registry, String stream) {
    return Counter.builder("procbus.flow.pauses").tag("stream", stream)
      .description("Times a pipe was paused because its owner had no credit left").register(registry);
  }

  @Override
  public void spawned(String id, int pid, String owner, String program, long latencyNanos) {
    started.increment();
    running.incrementAndGet();
    spawnLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void launchFailed(String owner, String program, Throwable cause) {
    launchFailure.increment();
  }

  @Override
  public void exited(String id, int pid, String owner, ExitStatus status) {
    running.decrementAndGet();
    (status.code() != null ? exitedCode : exitedSignal).increment();
  }

  @Override
  public void killed(String id, int pid, String owner, long graceMillis) {
    killed.increment();
  }

  @Override
  public void leftoversKilled(int processes, String stateDir) {
    leftover.increment(processes);
  }

  @Override
  public void leaseExpired(String owner, int processes) {
    leaseExpiries.increment();
  }

  @Override
  public void streamBytes(String stream, long n) {
    switch (stream) {
      case "stdout" -> stdoutBytes.increment(n);
      case "stderr" -> stderrBytes.increment(n);
      default -> stdinBytes.increment(n);
    }
  }

  @Override
  public void paused(String stream) {
    ("stdout".equals(stream) ? stdoutPauses : stderrPauses).increment();
  }

  @Override
  public void denied(String principal, String action, String reason) {
    denied.increment();
  }
}
