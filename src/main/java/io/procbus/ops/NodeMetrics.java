package io.procbus.ops;

import io.vertx.core.json.JsonObject;

/**
 * The Vert.x metrics a node starts with: Micrometer with a Prometheus registry, plus the JVM's metrics. They
 * must be in the {@code VertxOptions} before Vert.x is created; the launcher adds them to the parsed options.
 */
public final class NodeMetrics {

  private NodeMetrics() {
  }

  /**
   * {@code vertxOptions} (the launcher's {@code -options} JSON) with Micrometer metrics and the Prometheus
   * registry on, unless it already has {@code metricsOptions} (an operator's own choice wins).
   */
  public static JsonObject enable(JsonObject vertxOptions) {
    if (!vertxOptions.containsKey("metricsOptions")) {
      vertxOptions.put("metricsOptions", new JsonObject()
        .put("enabled", true)
        .put("jvmMetricsEnabled", true)
        .put("prometheusOptions", new JsonObject().put("enabled", true)));
    }
    return vertxOptions;
  }
}
