package io.procbus.launcher;

import io.procbus.api.EngineOptions;
import io.procbus.config.ClusterTlsOptions;
import io.procbus.config.ProcbusOptions;
import io.procbus.ops.GracefulShutdown;
import io.procbus.ops.NodeMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Starts a procbus node: Vert.x's {@link VertxApplication} with the native epoll transport on, the
 * configuration checked strictly before anything starts, and a {@link NodeVerticle} deployed.
 *
 * <p>Usage: {@code java -jar procbus-fat.jar -conf conf/config.json} (plus any {@code VertxApplication}
 * option, such as {@code -cluster}; {@code cluster.enabled} in the configuration adds it, and a clustered node
 * takes its Hazelcast configuration from {@code conf/cluster.xml} unless {@code -Dvertx.hazelcast.config} names
 * another). A bad configuration stops startup with exit status 2 and a message naming the key. Environment
 * variables ({@link EnvironmentOverrides}) override keys before that check; SIGTERM stops the node gracefully
 * ({@link GracefulShutdown}); Vert.x starts with Micrometer metrics ({@link NodeMetrics}); {@code cluster.tls}
 * closes the event bus between members with mutual TLS ({@link EventBusTls}). Without a configured token file, a
 * node with bridges on loopback makes one on first start, and one bound beyond refuses to start ({@link FirstStart}).
 */
public final class Main implements VertxApplicationHooks {

  /** Exit status for a configuration that cannot be read. */
  public static final int BAD_CONFIG = 2;
  /** The line printed on standard output once the node is deployed and serving. */
  public static final String READY = "procbus: ready";
  /** Time a graceful stop may take beyond the kill grace (undeploying, leaving the cluster). */
  public static final long SHUTDOWN_MARGIN_MILLIS = 20_000;

  private long killGraceMillis = EngineOptions.DEFAULT_KILL_GRACE_MILLIS;
  private ClusterTlsOptions tls = new ClusterTlsOptions();
  /** The configuration, read once here and handed to the node. */
  private ProcbusOptions options;
  private FirstStart firstStart;
  private NodeVerticle node;

  private Main() {
  }

  /** Runs the node; returns only if startup failed. */
  public static void main(String[] args) {
    try {
      EnvironmentOverrides.applyToSystemProperties(System.getenv());
      args = ClusterLaunch.prepare(args); // -cluster from the config; never Hazelcast's multicast default
    } catch (IllegalArgumentException e) {
      System.err.println("procbus: " + e.getMessage());
      System.exit(BAD_CONFIG);
    }
    int status = new VertxApplication(args, new Main()).launch();
    if (status != 0) {
      System.exit(status);
    }
  }

  @Override
  public JsonObject afterVertxOptionsParsed(JsonObject vertxOptions) {
    // the process engine watches pipes and pidfds on Vert.x's own epoll event loops
    JsonObject options = vertxOptions == null ? new JsonObject() : vertxOptions;
    return NodeMetrics.enable(options.put("preferNativeTransport", true));
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject config) {
    JsonObject merged = config == null ? new JsonObject() : config;
    List<EnvironmentOverrides.Variable> applied = new ArrayList<>();
    try {
      applied.addAll(EnvironmentOverrides.applyToConfig(merged, System.getenv()));
      options = ProcbusOptions.fromConfig(merged);
      killGraceMillis = options.getEngine().getKillGraceMillis();
      EventBusTls.check(options.getCluster().getTls());
      tls = options.getCluster().getTls();
      firstStart = FirstStart.prepare(merged, options, System.getenv()); // a token file when none is configured, or refusal
    } catch (IllegalArgumentException e) {
      System.err.println("procbus: " + e.getMessage() + EnvironmentOverrides.origin(applied, e.getMessage()));
      System.exit(BAD_CONFIG);
    }
    return merged;
  }

  @Override
  public void beforeStartingVertx(HookContext context) {
    // the launcher parsed -conf before building Vert.x, so the event bus (server and client) starts with TLS
    EventBusTls.apply(tls, context.vertxOptions().getEventBusOptions());
    if (tls.isEnabled()) {
      EventBusTls.warmUp();
    }
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> node = new NodeVerticle(options);
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    GracefulShutdown.install(context.vertx(), context.deploymentId(), killGraceMillis + SHUTDOWN_MARGIN_MILLIS);
    if (firstStart != null) {
      System.out.println(firstStart.line(node.tcpPort(), node.sockJsPort()));
    }
    // a stable line on stdout: scripts and tests wait for it rather than for a duration
    System.out.println(READY);
    System.out.flush();
  }
}
