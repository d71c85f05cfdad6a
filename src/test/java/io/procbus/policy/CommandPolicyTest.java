package io.procbus.policy;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.api.TerminalSize;
import io.procbus.auth.Principal;
import io.procbus.testing.Await;
import io.procbus.testing.EdgeFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command policy on the bus (it applies to every spawn once configured): each check refuses with
 * {@code DENIED} naming its rule and starts nothing; admitted requests run the resolved program with the
 * filtered environment, the checked working directory and the rule's limits (run time, output, rlimits).
 */
class CommandPolicyTest {

  private static EdgeFixture edge;
  private static ProcessService service;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeFixture.start("pol", new JsonObject().put("maxLiveChildren", 2).put("maxRuntimeMillis", 1500)
      .put("maxOutputBytes", 1000).put("rlimits", new JsonObject().put("nofile", 64)), true);
    service = ProcessService.createProxy(edge.vertx, "pol.service");
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static RunResult run(String owner, List<String> command, ProcessOptions options) throws Exception {
    return await(service.run(new RunRequest().setSpawn(new SpawnRequest().setCommand(command).setOwner(owner)
      .setOptions(options))));
  }

  private static String stdout(RunResult r) {
    return r.getStdout() == null ? "" : r.getStdout().toString();
  }

  /** The denial's rule, after checking its code. */
  private static String denied(Future<?> call) throws Exception {
    Throwable t = Await.replyFailure(call);
    ServiceException e = (ServiceException) t;
    assertEquals(ErrorCode.DENIED.code(), e.failureCode(), e.getMessage());
    return e.getDebugInfo().getString("rule");
  }

  private static Future<ProcessInfo> spawn(String owner, List<String> command, ProcessOptions options) {
    return service.spawn(new SpawnRequest().setCommand(command).setOwner(owner).setOptions(options));
  }

  /** Issue 15: a pseudo-terminal is denied unless the rule says {@code "terminal": true} (this one does not). */
  @Test
  @Timeout(30)
  void aTerminalIsDeniedByDefault() throws Exception {
    int before = await(service.list()).size();
    assertEquals("terminal", denied(spawn("ann", List.of("cat"), new ProcessOptions()
      .setTerminal(new TerminalSize(80, 24)))));
    assertEquals(before, await(service.list()).size(), "nothing started");
  }

  @Test
  @Timeout(30)
  void programsResolveOnThePolicySearchPathAndRunWithPrlimit() throws Exception {
    RunResult r = run("ann", List.of("echo", "hi"), null);
    assertEquals("hi\n", stdout(r));
    ProcessInfo cat = await(spawn("ann", List.of("cat"), null));
    List<String> argv = cat.getArgv();
    assertEquals("/usr/bin/cat", argv.get(argv.indexOf("--") + 1), "argv " + argv);
    assertTrue(argv.get(0).endsWith("/prlimit") && argv.contains("--nofile=64"), "argv " + argv);
    await(ProcessService.createProxy(edge.vertx, cat.getServiceAddress()).closeProcess(cat.getId(), "ann"));
    assertEquals("64\n", stdout(run("ann", List.of("sh", "-c", "ulimit -n"), null)), "RLIMIT_NOFILE applied");
  }

  @Test
  @Timeout(30)
  void everyCheckDeniesNamingItsRule() throws Exception {
    Path outside = Files.createDirectories(edge.dir.resolve("outside"));
    Path link = edge.root.resolve("link-out");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, outside);
    assertEquals("program", denied(spawn("bea", List.of("rm", "-rf", "/"), null)));
    assertEquals("program", denied(spawn("bea", List.of("/bin/../bin/cat"), null)));
    assertEquals("program", denied(spawn("bea", List.of("./cat"), null)));
    assertEquals("program", denied(spawn("bea", List.of("/usr/bin/env", "cat"), null)));
    assertEquals("args", denied(spawn("bea", List.of("sh", "-c", "rm -rf /"), null)));
    assertEquals("shell", denied(service.spawn(new SpawnRequest().setShell("echo hi").setOwner("bea"))));
    assertEquals("env", denied(spawn("bea", List.of("cat"), new ProcessOptions().addEnv("LD_PRELOAD", "/x.so"))));
    assertEquals("env", denied(spawn("bea", List.of("cat"), new ProcessOptions().addEnv("PATH", "/tmp"))));
    assertEquals("cwd", denied(spawn("bea", List.of("pwd"), new ProcessOptions().setCwd(edge.root + "/.."))));
    assertEquals("cwd", denied(spawn("bea", List.of("pwd"), new ProcessOptions().setCwd(link.toString()))));
    assertEquals("cwd", denied(spawn("bea", List.of("pwd"), new ProcessOptions().setCwd("/etc"))));
    assertEquals("cwd", denied(spawn("bea", List.of("pwd"), new ProcessOptions().setCwd(edge.root + "/none"))));
    assertEquals("stdio", denied(spawn("bea", List.of("cat"), new ProcessOptions()
      .setStdout(Stdio.file(edge.dir.resolve("x").toString())))));
    assertEquals("stdio", denied(spawn("bea", List.of("cat"), new ProcessOptions().setStderr(Stdio.inherit()))));
    assertEquals("detached", denied(service.spawn(new SpawnRequest().setCommand(List.of("cat")).setOwner("bea")
      .setDetached(true))));
    assertEquals("subject", denied(spawn("guest", List.of("cat"), null)));
    assertEquals(List.of(), await(service.list()).stream().filter(p -> "bea".equals(p.getOwner())).toList(),
      "nothing started");
    Await.until(edge.vertx, "deny lines in the audit log", 20, 10_000, () -> Files.exists(edge.audit)
      && Files.readAllLines(edge.audit).stream().filter(l -> l.contains("\"decision\":\"deny\"")
      && l.contains("\"principal\":\"bea\"")).count() == 15);
  }

  @Test
  @Timeout(30)
  void theEnvironmentIsTheSearchPathPlusAllowedVariablesAndTheCwdIsResolved() throws Exception {
    Path sub = Files.createDirectories(edge.root.resolve("sub"));
    assertEquals("/usr/bin:/bin\n", stdout(run("cid", List.of("printenv", "PATH"), null)));
    assertEquals("hello\n", stdout(run("cid", List.of("printenv", "GREETING"),
      new ProcessOptions().addEnv("GREETING", "hello"))));
    assertEquals(sub.toRealPath() + "\n", stdout(run("cid", List.of("pwd"),
      new ProcessOptions().setCwd(sub + "/../sub/."))));
    assertEquals(edge.root.toRealPath() + "\n", stdout(run("cid", List.of("pwd"), null)), "default: the first root");
  }

  @Test
  @Timeout(30)
  void liveChildrenRunTimeAndOutputAreLimited() throws Exception {
    ProcessInfo a = await(spawn("dan", List.of("sleep", "30"), null));
    ProcessInfo b = await(spawn("dan", List.of("sleep", "30"), null));
    assertEquals("children", denied(spawn("dan", List.of("sleep", "30"), null)));
    for (ProcessInfo p : List.of(a, b)) {
      await(ProcessService.createProxy(edge.vertx, p.getServiceAddress()).closeProcess(p.getId(), "dan"));
    }
    ServiceException timeout = (ServiceException) Await.replyFailure(service.run(new RunRequest()
      .setSpawn(new SpawnRequest().setCommand(List.of("sleep", "30")).setOwner("eve"))));
    assertEquals(ErrorCode.TIMEOUT.code(), timeout.failureCode(), "maxRuntimeMillis then KILL");
    RunResult flood = run("eve", List.of("head", "-c", "100000000", "/dev/zero"), null);
    assertEquals(9, flood.getExitStatus().signal(), "killed (SIGKILL) past maxOutputBytes");
  }

  @Test
  @Timeout(30)
  void runAsNeedsRootAndUsesSetpriv() throws Exception {
    CommandPolicy policy = CommandPolicy.parse(EdgeFixture.policy(Path.of("/tmp"),
      new JsonObject().put("runAs", new JsonObject().put("uid", 65534).put("gid", 65534))));
    Principal ann = new Principal("ann", List.of("user"));
    SpawnRequest cat = new SpawnRequest().setCommand(List.of("cat")).setOwner("ann");
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      List<String> argv = policy.admit(ann, cat, 0).request().getCommand();
      assertEquals(List.of("--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/cat"),
        argv.subList(1, argv.size()));
      try (EdgeFixture nobody = EdgeFixture.start("asnobody", new JsonObject().put("runAs", new JsonObject()
        .put("uid", 65534).put("gid", 65534)), true)) {
        RunResult id = await(ProcessService.createProxy(nobody.vertx, "asnobody.service").run(new RunRequest()
          .setSpawn(new SpawnRequest().setCommand(List.of("id", "-u")).setOwner("ann"))));
        assertEquals("65534\n", stdout(id), "the child runs as the policy's uid");
      }
    } else {
      ProcessException e = org.junit.jupiter.api.Assertions.assertThrows(ProcessException.class,
        () -> policy.admit(ann, cat, 0));
      assertEquals(ErrorCode.DENIED, e.code());
      assertEquals("runAs", e.details().getString("rule"));
    }
  }

  /** Issue 10: an allowed shell line runs under the rule's rlimits too, as an argv the seal covers exactly. */
  @Test
  @Timeout(10)
  void anAllowedShellLineRunsThroughSearchPathShUnderTheRlimits() {
    CommandPolicy policy = CommandPolicy.parse(EdgeFixture.policy(Path.of("/tmp"), new JsonObject()
      .put("shell", true).put("rlimits", new JsonObject().put("nofile", 64))));
    SpawnRequest admitted = policy.admit(new Principal("ann", List.of("user")), new SpawnRequest()
      .setShell("ulimit -n").setOwner("ann"), 0).request();
    assertEquals(null, admitted.getShell());
    List<String> argv = admitted.getCommand();
    assertTrue(argv.get(0).endsWith("/prlimit") && argv.contains("--nofile=64"), "argv " + argv);
    assertEquals(List.of("-c", "ulimit -n"), argv.subList(argv.size() - 2, argv.size()));
    assertTrue(argv.get(argv.size() - 3).matches("/(usr/)?bin/sh"), "argv " + argv);
  }

  @Test
  @Timeout(10)
  void aBadPolicyFileNamesTheKey() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
      () -> CommandPolicy.parse(new JsonObject().put("rules", List.of(Map.of("name", "x", "shel", true)))));
    assertTrue(e.getMessage().contains("rules[0].shel"), e.getMessage());
  }
}
