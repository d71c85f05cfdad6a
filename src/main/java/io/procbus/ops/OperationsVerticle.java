package io.procbus.ops;

import io.procbus.config.ConfiguredVerticle;
import io.procbus.config.EndpointOptions;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.logging.Logger;

/**
 * The operations HTTP server of a node ({@code http} in the configuration; loopback unless configured):
 *
 * <ul>
 *   <li>{@code GET /health/live}: liveness, 200 while the node's event loop answers;</li>
 *   <li>{@code GET /health/ready} (and {@code /health}): readiness, 200 when every check is up and 503
 *       otherwise, with {@code engine}, {@code cluster} and {@code bridges} in the JSON body
 *       ({@link ReadinessChecks});</li>
 *   <li>{@code GET /metrics}: Prometheus text, procbus's metrics ({@link ServiceMonitor}) and Vert.x's, when
 *       Vert.x was started with metrics (the launcher does).</li>
 * </ul>
 *
 * <p>With {@code http.enabled} false it starts and serves nothing. Once listening it logs
 * {@code procbus: operations http on <host>:<port>}.
 */
public class OperationsVerticle extends ConfiguredVerticle {

  /** Start of the log line that gives the bound address. */
  public static final String LISTENING = "procbus: operations http on ";

  private static final Logger LOG = Logger.getLogger(OperationsVerticle.class.getName());

  private HttpServer server;
  private ReadinessChecks readiness;

  /** An endpoint that reads its config at start, strictly (deployed alone). */
  public OperationsVerticle() {
    this(null);
  }

  /** An endpoint with options a node read and checked already ({@link ProcbusOptions#fromConfig}). */
  public OperationsVerticle(ProcbusOptions options) {
    super(options);
  }

  @Override
  protected Future<?> start(ProcbusOptions options) {
    EndpointOptions http = options.getHttp();
    if (http == null || !http.isEnabled()) {
      return Future.succeededFuture();
    }
    readiness = new ReadinessChecks(vertx, options);
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", p -> p.complete(Status.OK()));
    HealthChecks ready = readiness.register(HealthChecks.create(vertx));
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(ready));
    if (vertx.isMetricsEnabled()) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create());
    }
    // HTTP/1.1 only: probes and scrapers speak it, and an h2c upgrade (the JDK's HttpClient asks for one by default)
    // left a scrape's response stalled after the switch
    HttpServerOptions http11 = new HttpServerOptions().setHttp2ClearTextEnabled(false);
    return vertx.createHttpServer(http11).requestHandler(router).listen(http.getPort(), http.getHost())
      .onSuccess(s -> {
        server = s;
        LOG.info(LISTENING + http.getHost() + ":" + s.actualPort());
      });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return readiness == null ? closed : closed.eventually(readiness::close);
  }

  /** The bound port, once started with {@code http.enabled}; 0 otherwise. */
  public int actualPort() {
    return server == null ? 0 : server.actualPort();
  }
}
