package io.procbus.ops;

import io.procbus.config.EndpointOptions;
import io.procbus.config.ProcbusOptions;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The readiness procedures of a node: {@code engine} (the local process service answers a {@code list}),
 * {@code cluster} (this node is an active member, with the member count) and {@code bridges} (a TCP connect to
 * each enabled bridge endpoint succeeds).
 */
final class ReadinessChecks {

  /** Upper bound of one probe. */
  static final int PROBE_TIMEOUT_MILLIS = 2_000;

  private final Vertx vertx;
  private final ProcbusOptions options;
  private final NetClient probes;

  ReadinessChecks(Vertx vertx, ProcbusOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.probes = vertx.createNetClient(new NetClientOptions().setConnectTimeout(PROBE_TIMEOUT_MILLIS));
  }

  /** Registers the three procedures on {@code checks}. */
  HealthChecks register(HealthChecks checks) {
    return checks
      .register("engine", PROBE_TIMEOUT_MILLIS, this::engine)
      .register("cluster", PROBE_TIMEOUT_MILLIS, this::cluster)
      .register("bridges", PROBE_TIMEOUT_MILLIS + 500, this::bridges);
  }

  /** The local service answers: a {@code list} request on this node only (never another node's service). */
  private void engine(Promise<Status> result) {
    String address = new Addresses(options.getPrefix()).service();
    DeliveryOptions delivery = new DeliveryOptions().addHeader(Headers.ACTION, "list").setLocalOnly(true)
      .setSendTimeout(PROBE_TIMEOUT_MILLIS);
    vertx.eventBus().request(address, new JsonObject(), delivery).onComplete(ar -> result.complete(ar.succeeded()
      ? Status.OK(new JsonObject().put("address", address))
      : Status.KO(new JsonObject().put("address", address).put("error", String.valueOf(ar.cause().getMessage())))));
  }

  /** Not clustered: up. Clustered: up while the cluster manager is an active member. */
  private void cluster(Promise<Status> result) {
    if (!vertx.isClustered()) {
      result.complete(Status.OK(new JsonObject().put("clustered", false)));
      return;
    }
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    JsonObject data = new JsonObject().put("clustered", true).put("active", manager.isActive());
    if (manager.isActive()) {
      data.put("nodeId", manager.getNodeId()).put("members", manager.getNodes().size());
    }
    result.complete(new Status().setOk(manager.isActive()).setData(data));
  }

  /** Each enabled bridge accepts a TCP connection; an ephemeral port (0) cannot be probed and is reported as such. */
  private void bridges(Promise<Status> result) {
    Map<String, EndpointOptions> endpoints = new LinkedHashMap<>();
    if (options.getBridges() != null) {
      endpoints.put("tcp", options.getBridges().getTcp());
      endpoints.put("sockjs", options.getBridges().getSockjs());
    }
    JsonObject data = new JsonObject();
    List<Future<Boolean>> probed = new ArrayList<>();
    endpoints.forEach((name, endpoint) -> {
      if (endpoint == null || !endpoint.isEnabled()) {
        data.put(name, "disabled");
      } else if (endpoint.getPort() == 0) {
        data.put(name, "ephemeral port: not probed");
      } else {
        String target = probeHost(endpoint.getHost()) + ":" + endpoint.getPort();
        probed.add(probes.connect(endpoint.getPort(), probeHost(endpoint.getHost()))
          .compose(socket -> socket.close().map(true))
          .otherwise(t -> {
            data.put(name, target + " refused: " + t.getMessage());
            return false;
          })
          .onSuccess(up -> {
            if (up) {
              data.put(name, target + " up");
            }
          }));
      }
    });
    Future.all(probed).onComplete(ar -> {
      boolean up = probed.stream().allMatch(f -> Boolean.TRUE.equals(f.result()));
      result.complete(new Status().setOk(up).setData(data));
    });
  }

  /** Where to connect to reach a server bound to {@code host}: loopback for a wildcard bind. */
  static String probeHost(String host) {
    if (host == null || host.isEmpty() || host.equals("0.0.0.0")) {
      return "127.0.0.1";
    }
    return host.equals("::") || host.equals("[::]") ? "::1" : host;
  }

  /** Closes the probe client. */
  Future<Void> close() {
    return probes.close();
  }
}
