package io.procbus.testing;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.bridge.BridgeVerticle;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A procbus node for edge tests: a {@link ProcessVerticle} with a policy, a token file and an audit log, and a
 * {@link BridgeVerticle} with both bridges on ephemeral loopback ports; and a runner for the Node clients of
 * {@code src/test/js}.
 */
public final class EdgeFixture implements AutoCloseable {

  /** Tokens of the test principals. */
  public static final String ALICE = "alice-token-0123456789";
  public static final String BOB = "bob-token-0123456789ab";
  public static final String ADMIN = "admin-token-0123456789";

  public static final Path JS = Path.of("src/test/js").toAbsolutePath();

  /** The node's Vert.x. */
  public final Vertx vertx;
  /** The temporary directory of its files. */
  public final Path dir;
  /** The only working-directory root of the test policy. */
  public final Path root;
  /** The audit log. */
  public final Path audit;
  /** The bridges. */
  public final BridgeVerticle bridge;

  private EdgeFixture(Vertx vertx, Path dir, BridgeVerticle bridge) {
    this.vertx = vertx;
    this.dir = dir;
    this.root = dir.resolve("root");
    this.audit = dir.resolve("audit.log");
    this.bridge = bridge;
  }

  /** The test policy: role {@code user} (and bus callers) may run a few programs in {@code <dir>/root}. */
  public static JsonObject policy(Path root, JsonObject userRuleOverrides) {
    JsonObject users = new JsonObject().put("name", "users").put("roles", new JsonArray().add("user").add("bus"))
      .put("programs", new JsonArray()
        .add(new JsonObject().put("path", "cat"))
        .add(new JsonObject().put("path", "sleep"))
        .add(new JsonObject().put("path", "echo"))
        .add(new JsonObject().put("path", "pwd"))
        .add(new JsonObject().put("path", "printenv"))
        .add(new JsonObject().put("path", "head"))
        .add(new JsonObject().put("path", "id"))
        .add(new JsonObject().put("path", "sh").put("args", new JsonArray().add("-c").add("ulimit -n"))))
      .put("envAllow", new JsonArray().add("GREETING"))
      .put("cwdRoots", new JsonArray().add(root.toString()))
      .put("maxLiveChildren", 4)
      .put("maxRuntimeMillis", 60_000)
      .put("killSignal", "KILL");
    users.mergeIn(userRuleOverrides);
    return new JsonObject()
      .put("searchPath", new JsonArray().add("/usr/bin").add("/bin"))
      .put("neverPassEnv", new JsonArray().add("LD_PRELOAD").add("LD_LIBRARY_PATH").add("LD_AUDIT"))
      .put("seeAllRoles", new JsonArray().add("admin"))
      .put("rules", new JsonArray().add(users)
        .add(new JsonObject().put("name", "admins").put("roles", new JsonArray().add("admin"))
          .put("programs", new JsonArray().add(new JsonObject().put("path", "cat")))
          .put("cwdRoots", new JsonArray().add(root.toString()))));
  }

  /** Starts a node under {@code prefix}; {@code overrides} change the {@code users} rule. */
  public static EdgeFixture start(String prefix, JsonObject overrides, boolean withPolicy) throws Exception {
    Path dir = Files.createTempDirectory("procbus-edge");
    Path root = Files.createDirectories(dir.resolve("root"));
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", ALICE).put("principal", "alice").put("roles", new JsonArray().add("user")))
      .add(new JsonObject().put("token", BOB).put("principal", "bob").put("roles", new JsonArray().add("user")))
      .add(new JsonObject().put("token", ADMIN).put("principal", "root").put("roles", new JsonArray().add("admin")))
      .add(new JsonObject().put("token", "guest-token-0123456789").put("principal", "guest")
        .put("roles", new JsonArray().add("guest"))))
      .encodePrettily());
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, policy(root, overrides).encodePrettily());
    JsonObject config = new JsonObject().put("prefix", prefix).put("instance", "edge-1")
      .put("limits", new JsonObject().put("maxStdinMessageBytes", 1 << 20))
      .put("engine", new JsonObject().put("killGraceMillis", 500))
      .put("bridges", new JsonObject()
        .put("tcp", new JsonObject().put("enabled", true).put("port", 0))
        .put("sockjs", new JsonObject().put("enabled", true).put("port", 0)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("audit", new JsonObject().put("file", dir.resolve("audit.log").toString()).put("maxBytes", 1 << 20));
    if (withPolicy) {
      config.put("policy", new JsonObject().put("policyFile", policy.toString()));
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    BridgeVerticle bridge = new BridgeVerticle();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new ProcessVerticle(), options));
    await(vertx.deployVerticle(bridge, options));
    return new EdgeFixture(vertx, dir, bridge);
  }

  /** The URL of the SockJS bridge. */
  public String sockJsUrl() {
    return "http://127.0.0.1:" + bridge.sockJsPort() + "/eventbus";
  }

  /** Runs a Node client ({@code node <script> <args>}) to its end (30 s at most) and gives its output lines. */
  public static List<String> node(String script, String... args) throws Exception {
    assertTrue(Files.isDirectory(JS.resolve("node_modules/@vertx/eventbus-bridge-client.js")),
      "the Node test clients need their dependencies: run `npm ci` in src/test/js (mvn does it when"
        + " node_modules is missing; .ci/run installs node and npm)");
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (Exception e) {
        // the process ended
      }
    });
    reader.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5000);
      throw new AssertionError("node " + script + " did not finish in 30 s; output: " + lines);
    }
    reader.join(5000);
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
