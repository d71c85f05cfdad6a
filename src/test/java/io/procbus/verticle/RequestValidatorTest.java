package io.procbus.verticle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The command check stays in step with the service interface and the data objects' JSON forms. */
class RequestValidatorTest {

  @Test
  void everyServiceMethodHasItsParametersChecked() {
    Map<String, Integer> methods = Arrays.stream(ProcessService.class.getDeclaredMethods())
      .filter(m -> !Modifier.isStatic(m.getModifiers()))
      .collect(Collectors.toMap(Method::getName, Method::getParameterCount));
    assertEquals(methods.keySet(), RequestValidator.ACTIONS.keySet());
    methods.forEach((name, count) -> assertEquals(count, RequestValidator.ACTIONS.get(name).size(), name));
  }

  /** Whatever the Java types can hold, fully populated, passes: the check refuses nothing the proxy sends. */
  @Test
  void fullyPopulatedDataObjectsPass() {
    ProcessOptions options = new ProcessOptions().setStdin(Stdio.file("/dev/null")).setStdout(Stdio.appendTo("/tmp/o"))
      .setStderr(Stdio.stdout()).setCwd("/tmp").addEnv("A", "b").setInheritEnv(false).setNewProcessGroup(true)
      .setNewSession(true).setLimit(1234).setUser("nobody").setGroup("nogroup").setExtraGroups(List.of("1"))
      .setUmask(022).passFds(List.of(5));
    SpawnRequest spawn = new SpawnRequest().setCommand(List.of("ls", "-l")).setShell("ls").setOptions(options)
      .setOwner("me").setDetached(true).setTimeoutMillis(5).setKillSignal("TERM");
    assertNull(RequestValidator.check("spawn", new JsonObject().put("request", spawn.toJson())));
    RunRequest run = new RunRequest().setSpawn(spawn).setInput(Buffer.buffer(new byte[] {0, -1, 42}))
      .setMaxOutputBytes(10);
    assertNull(RequestValidator.check("run", new JsonObject().put("request", run.toJson())));
    assertNull(RequestValidator.check("writeStdin", new JsonObject().put("id", "i").put("owner", "o")
      .put("data", Buffer.buffer("bytes").toJson())));
    assertNull(RequestValidator.check("list", new JsonObject()));
    assertEquals(Set.of("stdin", "stdout", "stderr", "cwd", "env", "inheritEnv", "newProcessGroup", "newSession",
      "limit", "user", "group", "extraGroups", "umask"), options.toJson().fieldNames(), "passFds has no JSON form");
  }

  /** passFds is the in-JVM engine's: the bus does not know it, so a command that sends it is malformed. */
  @Test
  void passFdsIsAnUnknownFieldOnTheBus() {
    String problem = RequestValidator.check("spawn", new JsonObject().put("request", new JsonObject()
      .put("command", List.of("a")).put("options", new JsonObject().put("passFds", List.of(5)))));
    assertNotNull(problem);
    assertTrue(problem.contains("unknown field 'passFds'"), problem);
  }

  @Test
  void wrongShapesAreNamed() {
    assertNotNull(RequestValidator.check(null, new JsonObject()));
    assertNotNull(RequestValidator.check("list", "text"));
    assertNotNull(RequestValidator.check("list", null));
    assertNotNull(RequestValidator.check("info", new JsonObject().put("id", List.of())));
    assertNotNull(RequestValidator.check("closePipe", new JsonObject().put("fd", 1L << 40)));
    assertNotNull(RequestValidator.check("closePipe", new JsonObject().put("fd", 1.5)));
    assertNotNull(RequestValidator.check("spawn", new JsonObject().put("request", new JsonObject()
      .put("command", List.of("a")).put("options", new JsonObject().put("env", new JsonObject().put("A", 1))))));
    assertEquals("spawn.request.options.stdin.mode must be one of [PIPE, DEVNULL, INHERIT, FILE, STDOUT]",
      RequestValidator.check("spawn", new JsonObject().put("request", new JsonObject()
        .put("options", new JsonObject().put("stdin", new JsonObject().put("mode", "pipe"))))));
  }

  /** The messages name the field, however deep, and say what it must be. */
  @Test
  void messagesNameTheFieldAndWhatItMustBe() {
    assertEquals("info.id must be a string", RequestValidator.check("info", new JsonObject().put("id", 42)));
    assertEquals("closePipe.fd is required", RequestValidator.check("closePipe", new JsonObject().put("id", "x")));
    assertEquals("closePipe.fd must be an integer in 32-bit range",
      RequestValidator.check("closePipe", new JsonObject().put("fd", 1.5)));
    assertEquals("signal.group must be a boolean", RequestValidator.check("signal", new JsonObject()
      .put("group", "yes")));
    assertEquals("writeStdin.data must be a base64url string", RequestValidator.check("writeStdin",
      new JsonObject().put("data", 42)));
    assertEquals("writeStdin.data must be a base64url string", RequestValidator.check("writeStdin",
      new JsonObject().put("data", "*not base64*")));
    assertEquals("info: unknown field 'ident' (known: [id])", RequestValidator.check("info",
      new JsonObject().put("ident", "x")));
    assertEquals("spawn.request: unknown field 'comand' (known: [admission, command, detached, eventAddress, "
      + "killSignal, node, options, owner, shell, timeoutMillis])", RequestValidator.check("spawn", new JsonObject().put("request",
        new JsonObject().put("comand", List.of("ls")))));
    assertEquals("spawn.request.options.stdout: unknown field 'apend' (known: [append, mode, path])",
      RequestValidator.check("spawn", new JsonObject().put("request", new JsonObject().put("options",
        new JsonObject().put("stdout", new JsonObject().put("apend", true))))));
    assertEquals("spawn.request.command[1] must be a string", RequestValidator.check("spawn", new JsonObject()
      .put("request", new JsonObject().put("command", List.of("ls", 5)))));
    assertEquals("spawn.request.options.env.A must be a string", RequestValidator.check("spawn", new JsonObject()
      .put("request", new JsonObject().put("options", new JsonObject().put("env", new JsonObject().put("A", 1))))));
    assertEquals("run.request.maxOutputBytes must be an integer in 32-bit range", RequestValidator.check("run",
      new JsonObject().put("request", new JsonObject().put("maxOutputBytes", 1L << 40))));
    assertEquals("spawn.request.options must be an object", RequestValidator.check("spawn", new JsonObject()
      .put("request", new JsonObject().put("options", "x"))));
    assertEquals("spawn.request.timeoutMillis must be an integer in 64-bit range", RequestValidator.check("spawn",
      new JsonObject().put("request", new JsonObject().put("timeoutMillis", "5"))));
    // a null is an absent field, as the converters read it
    assertNull(RequestValidator.check("spawn", new JsonObject().put("request", new JsonObject()
      .put("detached", null).put("options", new JsonObject().put("stdin", null)))));
  }
}
