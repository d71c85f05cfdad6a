package io.procbus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.testing.ClientArtifact;
import io.procbus.testing.ClientArtifact.Edge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module boundary, checked on the compiled classes before any jar exists: what pom.xml's client jar
 * selects references neither JNA, the native transport nor a procbus class outside the selection
 * ({@code ClientArtifactIT} checks the built jar and runs a client JVM from it).
 */
class ClientArtifactTest {

  private static final Path CLASSES = Path.of("target", "classes");

  @TempDir
  Path copy;

  private Path clientClasses() throws Exception {
    for (Path p : ClientArtifact.select(Path.of("pom.xml"), CLASSES)) {
      Files.createDirectories(copy.resolve(p).getParent());
      Files.copy(CLASSES.resolve(p), copy.resolve(p));
    }
    return copy;
  }

  @Test
  void clientClassesNeedNeitherTheNodeNorNativeCode() throws Exception {
    List<Edge> violations = ClientArtifact.violations(clientClasses());
    assertEquals(List.of(), violations, "client classes → what a client JVM does not have:\n"
      + violations.stream().map(Edge::toString).collect(Collectors.joining("\n")));
  }

  @Test
  void clientJarHoldsTheApiPackagesAndNoImplementation() throws Exception {
    Set<String> classes = ClientArtifact.classes(clientClasses());
    Set<String> packages = classes.stream().map(c -> c.substring(0, c.lastIndexOf('.')))
      .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of("io.procbus.api", "io.procbus.protocol", "io.procbus.client",
      "io.procbus.streams")), packages);
    assertTrue(classes.containsAll(Set.of("io.procbus.client.ProcessClient", "io.procbus.client.ProcessClientImpl",
      "io.procbus.api.ProcessServiceVertxEBProxy", "io.procbus.api.ProcessEngine")), "" + classes);
    assertTrue(!classes.contains("io.procbus.api.ProcessServiceVertxProxyHandler"), "the service side stays out");
  }

  @Test
  void theCheckSeesTheEnginesNativeDependencies() throws Exception {
    // the same check on the node's engine: it must report JNA and epoll, or it checks nothing
    Path engine = CLASSES.resolve("io/procbus/engine");
    try (var files = Files.walk(engine)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path to = copy.resolve(CLASSES.relativize(f));
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    }
    Set<String> targets = ClientArtifact.violations(copy).stream().map(Edge::to).collect(Collectors.toSet());
    assertTrue(targets.stream().anyMatch(t -> t.startsWith("com.sun.jna.")), "" + targets);
    assertTrue(targets.stream().anyMatch(t -> t.startsWith("io.netty.channel.epoll.")), "" + targets);
    assertTrue(targets.stream().anyMatch(t -> t.startsWith("io.procbus.") && !t.startsWith("io.procbus.engine")),
      "" + targets);
  }
}
