package io.procbus.ops;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.testing.Await;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operations endpoint over real HTTP: liveness, readiness (engine, cluster, bridges probed over TCP) and the
 * Prometheus metrics, against a process service with Vert.x metrics on as the launcher starts it.
 */
class OperationsEndpointTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    JsonObject options = NodeMetrics.enable(new JsonObject().put("preferNativeTransport", true));
    VertxOptions vertxOptions = new VertxOptions(options)
      .setMetricsOptions(new MicrometerMetricsOptions(options.getJsonObject("metricsOptions")));
    vertx = Vertx.builder().with(vertxOptions).build();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(30, SECONDS);
  }

  /** Deploys the service and the endpoint with {@code bridges}; returns the endpoint's port. */
  private int deploy(JsonObject bridges) throws Exception {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", 0))
      .put("bridges", bridges);
    vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(config))
      .await(20, SECONDS);
    OperationsVerticle ops = new OperationsVerticle();
    vertx.deployVerticle(ops, new DeploymentOptions().setConfig(config)).await(20, SECONDS);
    assertTrue(ops.actualPort() > 0);
    return ops.actualPort();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject check(JsonObject health, String id) {
    JsonArray checks = health.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + id + " in " + health);
  }

  @Test
  @Timeout(60)
  void readinessIsUpWhenTheServiceAnswersAndEveryBridgeAcceptsConnections() throws Exception {
    NetServer bridge = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await(10, SECONDS);
    int port = deploy(new JsonObject()
      .put("tcp", new JsonObject().put("enabled", true).put("host", "0.0.0.0").put("port", bridge.actualPort()))
      .put("sockjs", new JsonObject().put("enabled", false)));

    HttpResponse<String> live = get(port, "/health/live");
    assertEquals(200, live.statusCode(), live.body());
    assertEquals("UP", new JsonObject(live.body()).getString("status"));

    HttpResponse<String> ready = get(port, "/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject health = new JsonObject(ready.body());
    assertEquals("UP", health.getString("status"));
    assertEquals("UP", check(health, "engine").getString("status"));
    assertEquals(false, check(health, "cluster").getJsonObject("data").getBoolean("clustered"));
    JsonObject bridges = check(health, "bridges");
    assertEquals("UP", bridges.getString("status"));
    assertEquals("127.0.0.1:" + bridge.actualPort() + " up", bridges.getJsonObject("data").getString("tcp"),
      "a wildcard bind is probed on loopback");
    assertEquals("disabled", bridges.getJsonObject("data").getString("sockjs"));
    assertEquals(200, get(port, "/health").statusCode(), "/health is readiness");
  }

  @Test
  @Timeout(30)
  void aDisabledEndpointListensNowhere() throws Exception {
    OperationsVerticle ops = new OperationsVerticle();
    vertx.deployVerticle(ops, new DeploymentOptions()
      .setConfig(new JsonObject().put("http", new JsonObject().put("enabled", false).put("port", 0))))
      .await(20, SECONDS);
    assertEquals(0, ops.actualPort(), "http.enabled false: no server");
  }

  @Test
  @Timeout(30)
  void aBadKeyFailsTheDeploymentNamingIt() {
    Exception e = assertThrows(Exception.class, () -> vertx.deployVerticle(
      new OperationsVerticle(), new DeploymentOptions()
        .setConfig(new JsonObject().put("http", new JsonObject().put("prot", 8081))))
      .await(20, SECONDS));
    assertTrue(e.getMessage().contains("http.prot"), e.getMessage());
  }

  @Test
  @Timeout(60)
  void readinessIsDownNamingTheBridgeThatRefusesConnections() throws Exception {
    NetServer gone = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await(10, SECONDS);
    int closedPort = gone.actualPort();
    gone.close().await(10, SECONDS);
    int port = deploy(new JsonObject()
      .put("tcp", new JsonObject().put("enabled", false))
      .put("sockjs", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", closedPort)));

    HttpResponse<String> ready = get(port, "/health/ready");
    assertEquals(503, ready.statusCode(), ready.body());
    JsonObject health = new JsonObject(ready.body());
    assertEquals("DOWN", check(health, "bridges").getString("status"));
    assertTrue(check(health, "bridges").getJsonObject("data").getString("sockjs").contains("refused"), ready.body());
    assertEquals("UP", check(health, "engine").getString("status"), "the engine itself is fine");
    assertEquals(200, get(port, "/health/live").statusCode(), "alive, just not ready");
  }

  @Test
  @Timeout(90)
  void metricsCountChildrenByOutcomeBytesPausesAndSpawnLatencyBesideVertxMetrics() throws Exception {
    int port = deploy(new JsonObject());
    ProcessClient client = ProcessClient.create(vertx);
    ProcessOptions piped = new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe());
    // exit code 3, after six bytes on stdout
    CommunicateResult three = client.exec(List.of("sh", "-c", "echo hello; exit 3"), piped)
      .compose(p -> p.communicate()).await(20, SECONDS);
    assertEquals(3, three.returnCode());
    // a signal
    assertEquals(-15, client.exec(List.of("sh", "-c", "kill -TERM $$"), piped).compose(p -> p.communicate())
      .await(20, SECONDS).returnCode());
    // stdin: three bytes through cat
    assertEquals("abc", client.exec(List.of("cat"), piped).compose(p -> p.communicate(Buffer.buffer("abc")))
      .await(20, SECONDS).stdout().toString());
    // a launch failure
    ProcessException failed = Await.processFailure(() -> client.exec(List.of("/nonexistent/procbus-program"), piped));
    assertEquals(ErrorCode.SPAWN_FAILED, failed.code());
    // flow control: 1 MiB that nobody reads yet pauses the pipe
    var head = client.exec(List.of("head", "-c", "1048576", "/dev/zero"), piped).await(20, SECONDS);
    Await.until(vertx, "a flow-control pause", 20, 20_000,
      () -> metric(get(port, "/metrics").body(), "procbus_flow_pauses_total{stream=\"stdout\"}") >= 1);
    assertEquals(1_048_576, head.communicate().await(20, SECONDS).stdout().length());
    client.close().await(20, SECONDS);

    HttpResponse<String> scrape = get(port, "/metrics");
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    String text = scrape.body();
    assertEquals(4, metric(text, "procbus_children_started_total"), text);
    assertEquals(0, metric(text, "procbus_children_running"));
    assertEquals(3, metric(text, "procbus_children_exited_total{outcome=\"code\"}"));
    assertEquals(1, metric(text, "procbus_children_exited_total{outcome=\"signal\"}"));
    assertEquals(1, metric(text, "procbus_children_exited_total{outcome=\"launch_failure\"}"));
    assertEquals(4, metric(text, "procbus_spawn_latency_seconds_count"));
    assertTrue(metric(text, "procbus_spawn_latency_seconds_sum") > 0);
    assertTrue(text.contains("procbus_spawn_latency_seconds_bucket{le="), "a histogram");
    assertEquals(3, metric(text, "procbus_stream_bytes_total{stream=\"stdin\"}"));
    assertEquals(1_048_576 + 6 + 3, metric(text, "procbus_stream_bytes_total{stream=\"stdout\"}"));
    assertEquals(0, metric(text, "procbus_requests_denied_total"));
    assertEquals(0, metric(text, "procbus_lease_expiries_total"));
    assertTrue(text.contains("\nvertx_eventbus_"), "Vert.x's own metrics");
    assertTrue(text.contains("\njvm_memory_used_bytes"), "the JVM's metrics");

    ServiceMonitor.of(vertx).denied("someone", "spawn", "policy says no");
    assertEquals(1, metric(get(port, "/metrics").body(), "procbus_requests_denied_total"), "the edge's hook counts");
  }

  /** The value of a sample line {@code name value}. */
  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no sample " + name);
    }
    return Double.parseDouble(m.group(1));
  }
}
