package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.auth.Principal;
import io.procbus.policy.CommandPolicy;
import io.procbus.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, point 4: what the kernel gets is the UTF-8 of what the caller gave, whatever the JVM's locale. JNA
 * encoded strings in the platform charset, so under {@code LC_ALL=C} (systemd units, cron, minimal images)
 * every non-ASCII character of an argv, environment, cwd or redirection path reached the child as {@code ?};
 * and {@code java.nio.file} cannot name such paths there at all. The {@link Probe} runs in a JVM started with
 * {@code LC_ALL=C} and no other locale variable, and prints, in hex, the bytes its children received.
 */
class Utf8UnderCLocaleTest {

  static final String ARG = "\u00e4rg \u65e5\u672c \u2713 \ud83d\ude00";
  static final String VALUE = "v\u00e4l\u00fc\u00e9";
  static final String DIR = "d\u00efr-\u65e5";
  static final String OUT = "\u00f6ut-\u2713.txt";

  @Test
  @Timeout(120)
  void argvEnvCwdAndRedirectionPathsReachTheChildAsUtf8InAJvmUnderLcAllC(@TempDir Path base) throws Exception {
    List<String> out = runProbe(base);

    assertTrue(out.get(0).startsWith("encoding "), String.valueOf(out));
    assertNotEquals("encoding UTF-8", out.get(0), "the probe JVM must not run in a UTF-8 locale");
    String dir = base + "/" + DIR;
    assertEquals(List.of(out.get(0), "mkdir 0", "run 0",
      "file " + hex(ARG + "\n" + VALUE + "\n" + dir + "\n"),
      "names " + hex(dir + "/" + OUT + "\n"),
      "policy-cwd " + hex(dir),
      "policy-program /bin/true",
      "inherited " + hex(VALUE),
      "done"), out);
  }

  /** The E2BIG check counts UTF-8 bytes: 20 arguments of 40,000 three-byte characters are 2.4 MB, not 800 KB. */
  @Test
  @Timeout(60)
  void theArgumentSizeCheckCountsUtf8Bytes() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      List<String> argv = new ArrayList<>(Collections.nCopies(20, "\u65e5".repeat(40_000)));
      argv.add(0, "true");
      ProcessException e = Await.processFailure(() -> ProcessEngine.create(vertx).exec(argv, new ProcessOptions()));
      assertEquals(ErrorCode.SPAWN_FAILED, e.code());
      assertEquals(7, e.errno());
      assertTrue(e.getMessage().endsWith("argv and environment exceed " + CommandLine.ARG_MAX + " bytes"),
        "refused by the check, before the spawn: " + e.getMessage());
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> runProbe(Path base) throws Exception {
    List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
      System.getProperty("java.class.path"), Probe.class.getName(), base.toString());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
    env.put("LC_ALL", "C");
    env.put("PROCBUS_PROBE_INHERITED", VALUE);
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } finally {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    return lines.stream().filter(l -> !l.startsWith("WARNING") && !l.contains("Hazelcast")).toList();
  }

  /** Runs in the {@code LC_ALL=C} JVM: spawns children with non-ASCII strings and prints what they received. */
  public static final class Probe {

    public static void main(String[] args) throws Exception {
      String base = args[0];
      String dir = base + "/" + DIR;
      System.out.println("encoding " + System.getProperty("sun.jnu.encoding"));
      Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      try {
        ProcessEngine engine = ProcessEngine.create(vertx);
        System.out.println("mkdir " + run(engine, List.of("mkdir", dir), new ProcessOptions()).returnCode());
        ProcessOptions options = new ProcessOptions().setCwd(dir).setEnv(Map.of("V", VALUE))
          .setStdout(Stdio.file(dir + "/" + OUT));
        System.out.println("run " + run(engine, List.of("sh", "-c", "printf '%s\\n%s\\n' \"$1\" \"$V\"; pwd", "sh",
          ARG), options).returnCode());
        System.out.println("file " + hex(run(engine, List.of("sh", "-c", "cat \"$1\"/*", "sh", dir),
          new ProcessOptions().setStdout(Stdio.pipe()))));
        System.out.println("names " + hex(run(engine, List.of("sh", "-c", "for f in \"$1\"/*; do echo \"$f\"; done",
          "sh", dir), new ProcessOptions().setStdout(Stdio.pipe()))));
        CommandPolicy policy = CommandPolicy.parse(new JsonObject()
          .put("searchPath", new JsonArray().add("/usr/bin").add("/bin"))
          .put("rules", new JsonArray().add(new JsonObject().put("name", "users")
            .put("roles", new JsonArray().add("user"))
            .put("programs", new JsonArray().add(new JsonObject().put("path", "/bin/true")))
            .put("cwdRoots", new JsonArray().add(base)))));
        CommandPolicy.Decision admitted = policy.admit(new Principal("alice", List.of("user")),
          new SpawnRequest().setCommand(List.of("/bin/true")).setOptions(new ProcessOptions().setCwd(dir)), 0);
        System.out.println("policy-cwd " + HexFormat.of().formatHex(admitted.request().getOptions().getCwd()
          .getBytes(StandardCharsets.UTF_8)));
        System.out.println("policy-program " + admitted.request().getCommand().get(0));
        System.out.println("inherited " + hex(run(engine, List.of("sh", "-c", "printf %s \"$PROCBUS_PROBE_INHERITED\""),
          new ProcessOptions().setStdout(Stdio.pipe()))));
        System.out.println("done");
      } finally {
        vertx.close().await(20, TimeUnit.SECONDS);
      }
      System.exit(0);
    }

    private static CommunicateResult run(ProcessEngine engine, List<String> argv, ProcessOptions options)
      throws Exception {
      ChildProcess child = Await.await(engine.exec(argv, options));
      return Await.await(child.communicate());
    }

    private static String hex(CommunicateResult r) {
      return HexFormat.of().formatHex(r.stdout().getBytes());
    }
  }
}
