package io.procbus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ResourceUsage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's parts that need no node: where the token comes from, usage errors, what {@code ps} shows. */
class CliTest {

  private static final String ME = System.getProperty("user.name");

  @Test
  void aTokenFileGivesTheLocalUsersEntryElseTheFirst(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", "first-token-0123456789").put("principal", "someone-else"))
      .add(new JsonObject().put("token", "mine-token-0123456789").put("principal", ME))).encode());
    assertEquals("mine-token-0123456789", TokenSource.find(file.toString(), Map.of()).token());
    Files.writeString(file, new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", "first-token-0123456789").put("principal", "someone-else"))
      .add(new JsonObject().put("token", "second-token-0123456789").put("principal", "another"))).encode());
    assertEquals("first-token-0123456789", TokenSource.find(file.toString(), Map.of()).token());
    Path raw = Files.writeString(dir.resolve("raw"), "  raw-token-0123456789\n");
    assertEquals("raw-token-0123456789", TokenSource.find(raw.toString(), Map.of()).token());
  }

  @Test
  void theOptionWinsThenTheVariableThenTheFirstStartFile(@TempDir Path dir) throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", "state-token-0123456789").put("principal", ME))).encode());
    Map<String, String> env = Map.of("PROCBUS_STATE_DIR", state.toString());
    assertEquals("state-token-0123456789", TokenSource.find(null, env).token());
    TokenSource fromEnv = TokenSource.find(null, Map.of("PROCBUS_STATE_DIR", state.toString(),
      "PROCBUS_TOKEN", "env-token-0123456789"));
    assertEquals("env-token-0123456789", fromEnv.token());
    assertEquals("PROCBUS_TOKEN", fromEnv.source());
    CliException none = assertThrows(CliException.class,
      () -> TokenSource.find(null, Map.of("PROCBUS_STATE_DIR", dir.resolve("empty").toString())));
    assertEquals(125, none.status());
    assertTrue(none.getMessage().contains(dir.resolve("empty").resolve("tokens.json") + " does not exist"),
      none.getMessage());
  }

  @Test
  void usageErrorsExitTwo() {
    Cli cli = new Cli(Map.of());
    assertEquals(2, cli.execute(List.of("bogus")));
    assertEquals(2, cli.execute(List.of("run")));
    assertEquals(2, cli.execute(List.of("kill")));
    assertEquals(2, cli.execute(List.of("ps", "--bogus")));
    assertEquals(2, cli.execute(List.of("--port", "seventy", "ps")));
    assertEquals(0, cli.execute(List.of("logs", "--help")));
  }

  /** {@code run -t} needs a terminal on stdin (the test JVM's is a pipe): a usage error, before connecting. */
  @Test
  void runWithATerminalRefusesAStdinThatIsNotOne() {
    CliException e = assertThrows(CliException.class, LocalTerminal::open);
    assertEquals(2, e.status());
    assertTrue(e.getMessage().startsWith("run -t needs a terminal, and stdin is not one"), e.getMessage());
    assertEquals(2, new Cli(Map.of("PROCBUS_TCP_PORT", "1")).execute(List.of("run", "-t", "--", "echo", "hi")),
      "refused before connecting (nothing listens on port 1)");
  }

  @Test
  void psShowsTheCommandWithoutThePolicyWrappersAndTheExitBySignalName() {
    assertEquals("/usr/bin/sleep 100", Tables.commandText(new JsonArray(List.of("/usr/bin/setpriv", "--reuid=1", "--",
      "/usr/bin/prlimit", "--nofile=256", "--", "/usr/bin/sleep", "100"))));
    assertEquals("KILL/-9", Tables.exitText(new JsonObject().put("signal", "KILL").put("signalNumber", 9)));
    assertEquals("3", Tables.exitText(new JsonObject().put("code", 3)));
    assertEquals("1.25s", Tables.cpuText(new ResourceUsage(1_000_000, 250_000, 3712)), "user + system");
    assertEquals("3.6M", Tables.rssText(new ResourceUsage(1_000_000, 250_000, 3712)));
  }
}
