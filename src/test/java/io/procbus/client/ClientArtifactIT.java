package io.procbus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.testing.ClientArtifact;
import io.procbus.testing.ClientArtifact.Edge;
import io.procbus.testing.ClientJarMain;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client-only jar as built ({@code procbus.client.jar}): it references nothing a client JVM lacks, and a
 * JVM whose class path is that jar, Vert.x, the service proxies and Hazelcast — no JNA, no native transport —
 * runs a process on a node started from the fat jar and gets its exact bytes and exit status.
 */
class ClientArtifactIT {

  /**
   * The client's whole dependency list (docs/engine.md): vertx-core and what it brings (Netty's Java parts,
   * jackson-core, its logging), the service proxies, and Hazelcast for a clustered bus.
   */
  private static final Pattern CLIENT_DEPENDENCIES = Pattern.compile("(vertx-core|vertx-core-logging"
    + "|vertx-service-proxy|vertx-hazelcast|hazelcast|jackson-core|netty-(common|buffer|transport|handler"
    + "|handler-proxy|resolver|resolver-dns|codec-[a-z0-9]+))-[0-9][^/]*\\.jar");
  private static final String SCRIPT = "printf 'out \\000\\377\\n'; printf err >&2; exit 3";

  private static Path clientJar() {
    String built = System.getProperty("procbus.client.jar");
    assertTrue(built != null && Files.isRegularFile(Path.of(built)), "no client jar at procbus.client.jar="
      + built + ": run through `mvn verify`");
    return Path.of(built);
  }

  @Test
  void theJarReferencesNeitherTheNodeNorNativeCode() throws Exception {
    Path jar = clientJar();
    List<Edge> violations = ClientArtifact.violations(jar);
    assertEquals(List.of(), violations, "client jar classes → what a client JVM does not have:\n"
      + violations.stream().map(Edge::toString).collect(Collectors.joining("\n")));
    assertTrue(ClientArtifact.classes(jar).contains(ProcessClient.class.getName()));
    try (JarFile jf = new JarFile(jar.toFile())) {
      assertNull(jf.getEntry("META-INF/services/io.procbus.api.ProcessEngineProvider"), "no in-JVM engine");
      assertEquals("io.procbus.client", jf.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
    }
  }

  @Test
  @Timeout(300)
  void aClientJvmWithoutJnaOrEpollRunsAProcessOnANode() throws Exception {
    List<String> dependencies = Stream.of(System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")).split(File.pathSeparator))
      .filter(e -> CLIENT_DEPENDENCIES.matcher(Path.of(e).getFileName().toString()).matches()).toList();
    String names = dependencies.stream().map(e -> Path.of(e).getFileName().toString()).collect(Collectors.joining(" "));
    for (String needed : List.of("vertx-core-", "vertx-service-proxy-", "hazelcast-", "netty-transport-")) {
      assertTrue(names.contains(needed), needed + " missing from " + names);
    }
    assertFalse(names.matches(".*(jna|epoll|unix-common|procbus).*"), names);

    try (ClusterFixture cluster = ClusterFixture.create("client-jar", 6461)) {
      cluster.startNodes(List.of("a"), new JsonObject());
      List<String> classPath = new ArrayList<>();
      classPath.add(clientJar().toAbsolutePath().toString());
      classPath.add(mainClassOnly().toString());
      classPath.addAll(dependencies);
      List<String> argv = new ArrayList<>();
      argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      argv.addAll(NodeProcess.defaultJvmArgs());
      argv.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), ClientJarMain.class.getName(),
        cluster.hazelcastXml().toAbsolutePath().toString(), "a", SCRIPT));
      Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve(cluster.name() + "-client.log");
      Process client = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        assertTrue(client.waitFor(240, TimeUnit.SECONDS), "client JVM still running; log: " + log.toAbsolutePath());
      } finally {
        client.destroyForcibly();
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String why = "log: " + log.toAbsolutePath() + "\n" + String.join("\n", lines);
      assertEquals(0, client.exitValue(), why);
      for (String expected : List.of(
        "loadable com.sun.jna.Native false",
        "loadable io.netty.channel.epoll.Epoll false",
        "loadable io.procbus.engine.LocalProcessEngine false",
        "native transport false",
        "in-JVM engine none",
        "stdout 6f75742000ff0a",   // "out \0\377\n", byte for byte
        "stderr 657272",
        "exit exit 3, usage measured true")) {
        assertTrue(lines.contains(expected), "no line `" + expected + "`; " + why);
      }
    }
  }

  /** A class directory with {@link ClientJarMain} alone: no other test or procbus class on the client's path. */
  private static Path mainClassOnly() throws Exception {
    Path from = Path.of("target", "test-classes");
    Path dir = Files.createDirectories(Path.of("target", "it", "client-main"));
    String prefix = ClientJarMain.class.getName().replace('.', '/');
    Path target = dir.resolve(prefix + ".class");
    Files.createDirectories(target.getParent());
    Files.copy(from.resolve(prefix + ".class"), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return dir.toAbsolutePath();
  }
}
