package io.procbus.verticle;

import static io.procbus.testing.Await.await;
import static io.procbus.testing.Await.replyFailure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessInfo;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.testing.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every error code a bus client can meet, each triggered by a real bad request sent as a bridge client would:
 * a raw {@code request} with an {@code action} header and a JSON body keyed by parameter name. The reply's
 * {@code failureCode()} is asserted, never the message.
 */
class ErrorCodesTest {

  private static final int MAX_STDIN = 256 * 1024;
  private static final Addresses ADDRESSES = new Addresses("errs");
  private static final String SERVICE = ADDRESSES.service();

  /**
   * Codes that no command can produce, with why: the reader errors are raised by a client's own
   * {@code StreamReader}, EVENTS_LOST by the client when it sees a gap in {@code seq}, CONNECTION_RESET by an
   * I/O error other than EPIPE on a pipe (the kernel gives no way to cause one on demand), INTERNAL by a bug,
   * NODE_LOST by a client or a forwarding instance when a node goes silent ({@code ClusterLossIT} causes it).
   */
  private static final Set<ErrorCode> NOT_FROM_COMMANDS = EnumSet.of(ErrorCode.LINE_TOO_LONG,
    ErrorCode.LIMIT_OVERRUN, ErrorCode.INCOMPLETE_READ, ErrorCode.CONCURRENT_READ, ErrorCode.EVENTS_LOST,
    ErrorCode.CONNECTION_RESET, ErrorCode.INTERNAL, ErrorCode.NODE_LOST,
    // issue 5: the policy and the bridges, not configured here; pinned by CommandPolicyTest and BadInputTest
    ErrorCode.DENIED, ErrorCode.UNAUTHENTICATED,
    // issue 10: only a request a bridge admitted (sealed) can meet it; pinned by AdmittedPlacementTest
    ErrorCode.INCAPABLE_NODE);

  private static Vertx vertx;
  private static final Set<ErrorCode> seen = EnumSet.noneOf(ErrorCode.class);

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("prefix", "errs")
      .put("limits", new JsonObject().put("maxProcesses", 6).put("maxProcessesPerOwner", 3)
        .put("maxStdinMessageBytes", MAX_STDIN)))));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, SECONDS);
  }

  @Test
  @Timeout(60)
  void everyErrorCodeComesFromARealBadRequest() throws Exception {
    String owner = "owner-" + UUID.randomUUID();

    // MALFORMED: a body that is not a JSON object, wrong types, unknown fields, unknown or missing action
    expect(ErrorCode.MALFORMED, request("info", "not json"));
    expect(ErrorCode.MALFORMED, request("info", new JsonObject().put("id", 42)));
    expect(ErrorCode.MALFORMED, request("signal", new JsonObject().put("id", "x").put("owner", owner)
      .put("signal", "TERM").put("group", "yes")));
    expect(ErrorCode.MALFORMED, request("signal", new JsonObject().put("id", "x").put("signal", "TERM")));
    expect(ErrorCode.MALFORMED, request("spawn", new JsonObject().put("request", "ls")));
    expect(ErrorCode.MALFORMED, request("spawn", spawnBody(new JsonObject().put("command", "ls").put("owner", owner))));
    expect(ErrorCode.MALFORMED, request("spawn", spawnBody(command(owner, "ls").put("comand", new JsonArray()))));
    expect(ErrorCode.MALFORMED, request("spawn", spawnBody(command(owner, "ls")
      .put("options", new JsonObject().put("stdout", new JsonObject().put("mode", "SOCKET"))))));
    expect(ErrorCode.MALFORMED, request("writeStdin", new JsonObject().put("id", "x").put("owner", owner)
      .put("data", "*not base64*")));
    expect(ErrorCode.MALFORMED, request("closePipe", new JsonObject().put("id", "x").put("owner", owner)));
    expect(ErrorCode.MALFORMED, request("reboot", new JsonObject()));
    expect(ErrorCode.MALFORMED, vertx.eventBus().request(SERVICE, new JsonObject()));

    // INVALID_ARGUMENT: no owner and not detached; both command and shell; an unknown signal
    expect(ErrorCode.INVALID_ARGUMENT, request("spawn", spawnBody(new JsonObject().put("command", List.of("true")))));
    expect(ErrorCode.INVALID_ARGUMENT, request("spawn", spawnBody(command(owner, "true").put("shell", "true"))));
    expect(ErrorCode.INVALID_ARGUMENT, request("spawn", spawnBody(command(owner, "true")
      .put("options", new JsonObject().put("limit", 0)))));

    // SPAWN_FAILED: no such program
    expect(ErrorCode.SPAWN_FAILED, request("spawn", spawnBody(command(owner, "/nonexistent/program"))));

    // UNKNOWN_NODE: a node nobody serves
    expect(ErrorCode.UNKNOWN_NODE, request("spawn", spawnBody(command(owner, "true").put("node", "nowhere"))));

    // UNKNOWN_PROCESS
    expect(ErrorCode.UNKNOWN_PROCESS, request("info", new JsonObject().put("id", "no-such-id")));

    ProcessInfo sleeper = spawn(owner, "sleep", "3600");
    String id = sleeper.getId();
    // NOT_OWNER
    expect(ErrorCode.NOT_OWNER, signal(id, "somebody-else", "TERM"));
    expect(ErrorCode.INVALID_ARGUMENT, signal(id, owner, "NOPE"));
    expect(ErrorCode.INVALID_ARGUMENT, request("signal", new JsonObject().put("id", id).put("owner", owner)
      .put("signal", "TERM").put("group", true)));
    // PAYLOAD_TOO_LARGE
    expect(ErrorCode.PAYLOAD_TOO_LARGE, writeStdin(id, owner, Buffer.buffer(new byte[MAX_STDIN + 1])));
    // STDIN_FULL: sleep never reads; 64 KiB of the first write fill its pipe, the rest (192 KiB) waits in the
    // engine's queue, which then refuses the next write (it holds at most twice 64 KiB)
    Future<Message<Object>> held = writeStdin(id, owner, Buffer.buffer(new byte[MAX_STDIN]));
    expect(ErrorCode.STDIN_FULL, writeStdin(id, owner, Buffer.buffer(new byte[1])));
    assertTrue(!held.isComplete(), "the first write waits for the child to read");

    // LIMIT_REACHED: three per owner, six in all
    spawn(owner, "sleep", "3600");
    spawn(owner, "sleep", "3600");
    expect(ErrorCode.LIMIT_REACHED, request("spawn", spawnBody(command(owner, "sleep", "3600"))));
    String other = owner + "-2";
    spawn(other, "sleep", "3600");
    spawn(other, "sleep", "3600");
    spawn(other, "sleep", "3600");
    expect(ErrorCode.LIMIT_REACHED, request("spawn", spawnBody(command(owner + "-3", "true"))));
    await(request("release", new JsonObject().put("owner", other)));

    // BROKEN_PIPE: a write after stdin was closed
    ProcessInfo cat = spawn(owner + "-4", "cat");
    await(request("closeStdin", new JsonObject().put("id", cat.getId()).put("owner", owner + "-4")));
    expect(ErrorCode.BROKEN_PIPE, writeStdin(cat.getId(), owner + "-4", Buffer.buffer("late")));

    // PROCESS_LOOKUP: a signal after exit
    ProcessInfo quick = spawn(owner + "-4", "true");
    awaitExit(quick);
    expect(ErrorCode.PROCESS_LOOKUP, signal(quick.getId(), owner + "-4", "TERM"));

    // TIMEOUT: a run longer than its timeoutMillis
    expect(ErrorCode.TIMEOUT, request("run", new JsonObject().put("request", new JsonObject()
      .put("spawn", command(owner + "-5", "sleep", "3600").put("timeoutMillis", 100)))));

    // TERMINATED: a run whose owner is released while it runs
    Future<Message<Object>> run = request("run", new JsonObject().put("request", new JsonObject()
      .put("spawn", command(owner + "-6", "sleep", "3600"))));
    Await.until(vertx, "the run to start", 10, 10_000, () -> await(request("list", new JsonObject()))
      .body().toString().contains(owner + "-6"));
    await(request("release", new JsonObject().put("owner", owner + "-6")));
    expect(ErrorCode.TERMINATED, run);

    await(request("release", new JsonObject().put("owner", owner)));
    await(request("release", new JsonObject().put("owner", owner + "-4")));

    // CLOSED: a spawn while the service stops (a second deployment, undeployed with a child that ignores TERM)
    closedWhileStopping();

    Set<ErrorCode> missing = EnumSet.allOf(ErrorCode.class);
    missing.removeAll(seen);
    missing.removeAll(NOT_FROM_COMMANDS);
    assertEquals(Set.of(), missing, "codes no test request produced");
  }

  private void closedWhileStopping() throws Exception {
    String prefix = "closing";
    // The grace is the window in which the stopping service still answers (CLOSED) before its consumers go:
    // wide enough for a loaded machine.
    String deployment = await(vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(
      new JsonObject().put("prefix", prefix).put("engine", new JsonObject().put("killGraceMillis", 3000)))));
    String service = new Addresses(prefix).service();
    // The child says "ready" once it ignores SIGTERM: undeploying before that would kill it at once, and the
    // service would stop (and leave the bus) before the request below.
    JsonObject stubborn = new JsonObject().put("shell", "trap '' TERM; echo ready; exec sleep 3600").put("owner", "o");
    ProcessInfo info = new ProcessInfo((JsonObject) await(vertx.eventBus().request(service,
      new JsonObject().put("request", stubborn), action("spawn"))).body());
    Promise<Void> terminated = Promise.promise();
    Promise<Void> ready = Promise.promise();
    MessageConsumer<Object> observer = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      String type = m.headers().get(Headers.TYPE);
      if (EventType.STDOUT.wire().equals(type)) {
        ready.tryComplete();
      } else if (EventType.TERMINATED.wire().equals(type)) {
        terminated.tryComplete();
      }
    });
    await(observer.completion());
    vertx.eventBus().send(info.getControlAddress(), new JsonObject().put(Control.ID, info.getId())
      .put(Control.OWNER, "o").put(Control.STDOUT, 65536).put(Control.STDERR, 65536));
    await(ready.future());
    Future<Void> undeployed = vertx.undeploy(deployment);
    await(terminated.future());
    expectAt(ErrorCode.CLOSED, vertx.eventBus().request(service, new JsonObject().put("request",
      new JsonObject().put("command", List.of("true")).put("owner", "o")), action("spawn")));
    await(undeployed);
    assertTrue(Await.gone(info.getPid()));
  }

  // --- helpers

  private static DeliveryOptions action(String action) {
    return new DeliveryOptions().addHeader(Headers.ACTION, action);
  }

  private static Future<Message<Object>> request(String action, Object body) {
    return vertx.eventBus().request(SERVICE, body, action(action));
  }

  private static JsonObject spawnBody(JsonObject request) {
    return new JsonObject().put("request", request);
  }

  private static JsonObject command(String owner, String... argv) {
    return new JsonObject().put("command", List.of(argv)).put("owner", owner);
  }

  private static ProcessInfo spawn(String owner, String... argv) throws Exception {
    return new ProcessInfo((JsonObject) await(request("spawn", spawnBody(command(owner, argv)))).body());
  }

  private static Future<Message<Object>> signal(String id, String owner, String signal) {
    return request("signal", new JsonObject().put("id", id).put("owner", owner).put("signal", signal)
      .put("group", false));
  }

  private static Future<Message<Object>> writeStdin(String id, String owner, Buffer data) {
    return request("writeStdin", new JsonObject().put("id", id).put("owner", owner).put("data", data.toJson()));
  }

  /** Attaches as the owner and waits for the exit event. */
  private static void awaitExit(ProcessInfo info) throws Exception {
    Promise<Void> exited = Promise.promise();
    MessageConsumer<Object> c = vertx.eventBus().consumer(info.getEventAddress(), m -> {
      if (EventType.EXIT.wire().equals(m.headers().get(Headers.TYPE))) {
        exited.tryComplete();
      }
    });
    await(c.completion());
    vertx.eventBus().send(info.getControlAddress(), new JsonObject().put("id", info.getId())
      .put("owner", info.getOwner()).put("stdout", 65536).put("stderr", 65536));
    await(exited.future());
    c.unregister();
  }

  private static void expect(ErrorCode code, Future<?> reply) throws Exception {
    expectAt(code, reply);
  }

  private static void expectAt(ErrorCode code, Future<?> reply) throws Exception {
    ReplyException e = replyFailure(reply);
    assertEquals(code.code(), e.failureCode(), code + " expected, got " + e.failureCode() + ": " + e.getMessage());
    seen.add(code);
  }
}
