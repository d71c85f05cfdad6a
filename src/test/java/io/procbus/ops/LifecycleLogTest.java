package io.procbus.ops;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.protocol.Addresses;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One log line per lifecycle event, with the process id, pid and owner, and never the output bytes. */
class LifecycleLogTest {

  private static final Logger LOG = Logger.getLogger(LifecycleLog.class.getName());

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      String line = record.getMessage();
      lines.add(line);
      waiters.forEach(w -> {
        if (w.match().test(line)) {
          w.found().complete(line);
        }
      });
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Level level;
  private Vertx vertx;

  private record Waiter(Predicate<String> match, CompletableFuture<String> found) {
  }

  @BeforeEach
  void start() throws Exception {
    level = LOG.getLevel();
    LOG.setLevel(Level.INFO);
    LOG.setUseParentHandlers(false);
    LOG.addHandler(capture);
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)); // no metrics: the log stands alone
    JsonObject config = new JsonObject().put("limits", new JsonObject().put("leaseMillis", 200))
      .put("engine", new JsonObject().put("killGraceMillis", 100));
    vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(config)).await(20, SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      vertx.close().await(30, SECONDS);
    } finally {
      LOG.removeHandler(capture);
      LOG.setUseParentHandlers(true);
      LOG.setLevel(level);
    }
  }

  private String awaitLine(Predicate<String> match) throws Exception {
    Waiter w = new Waiter(match, new CompletableFuture<>());
    waiters.add(w);
    lines.stream().filter(match).findFirst().ifPresent(w.found()::complete);
    try {
      return w.found().get(20, SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no such log line; lines: " + lines);
    }
  }

  @Test
  @Timeout(60)
  void spawnAndExitAreLoggedWithIdPidAndOwnerButNotTheOutput() throws Exception {
    // the node's lease is 200 ms (for the test below): alice renews well within it, or a loaded machine could give
    // her child up before she reads it
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setOwner("alice")
      .setLeaseRenewMillis(50));
    var child = client.exec(List.of("sh", "-c", "echo SECRET-OUTPUT-1234; echo MORE-SECRET >&2; exit 7"),
      new ProcessOptions().setStdout(Stdio.pipe()).setStderr(Stdio.pipe())).await(20, SECONDS);
    int pid = child.pid();
    assertEquals(7, child.communicate().await(20, SECONDS).returnCode());
    String spawned = awaitLine(l -> l.contains(" spawned: pid " + pid + ","));
    assertTrue(spawned.matches("process \\S+ spawned: pid " + pid + ", owner alice, program sh, in [0-9.]+ ms"),
      spawned);
    String id = spawned.split(" ")[1];
    assertEquals("process " + id + " exited: pid " + pid + ", owner alice, code 7",
      awaitLine(l -> l.contains(" exited: pid " + pid + ",")));
    client.close().await(20, SECONDS);
    assertEquals(1, lines.stream().filter(l -> l.contains(id + " spawned")).count(), "one line per event");
    assertFalse(lines.toString().contains("SECRET"), "no output bytes in the log: " + lines);
  }

  @Test
  @Timeout(60)
  void anExpiredLeaseAndTheKillAfterTheGraceAreLogged() throws Exception {
    String helper = Path.of("src/test/resources/helpers/ignore-term-then-wait.sh").toAbsolutePath().toString();
    ProcessService service = ProcessService.createProxy(vertx, new Addresses(Addresses.DEFAULT_PREFIX).service());
    ProcessInfo info = service.spawn(new SpawnRequest().setCommand(List.of("sh", helper)).setOwner("bob")
      .setOptions(new ProcessOptions().setStdout(Stdio.pipe()))).await(20, SECONDS);
    // bob never renews: his lease (200 ms) expires, TERM is ignored, KILL follows the 100 ms grace
    assertEquals("lease expired: owner bob, terminating 1 processes", awaitLine(l -> l.startsWith("lease expired")));
    assertEquals("process " + info.getId() + " killed: pid " + info.getPid() + ", owner bob, still running 100 ms "
      + "after TERM", awaitLine(l -> l.contains(" killed: ")));
    assertEquals("process " + info.getId() + " exited: pid " + info.getPid() + ", owner bob, signal KILL",
      awaitLine(l -> l.contains(" exited: ")));
  }
}
