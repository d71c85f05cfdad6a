package io.procbus.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The client-only jar ({@code procbus-…-client.jar}) as its tests see it: which compiled classes pom.xml's
 * {@code client} jar execution selects, and the class-level dependencies {@code jdeps} finds in them.
 */
public final class ClientArtifact {

  /** What a client JVM must not need: JNA and the native transport (epoll and its unix base). */
  public static final List<String> NATIVE_PACKAGES = List.of("com.sun.jna.", "io.netty.channel.epoll.",
    "io.netty.channel.unix.");

  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s.*$");

  private ClientArtifact() {
  }

  /** A class and one class it references, as jdeps reports them. */
  public record Edge(String from, String to) {
    @Override
    public String toString() {
      return from + " -> " + to;
    }
  }

  /**
   * The class files under {@code classes} (relative paths) that pom.xml's {@code client} jar execution puts in
   * the client jar: its includes minus its excludes.
   */
  public static List<Path> select(Path pom, Path classes) throws Exception {
    List<PathMatcher> includes = patterns(pom, "include");
    List<PathMatcher> excludes = patterns(pom, "exclude");
    if (includes.isEmpty()) {
      throw new IllegalStateException("pom.xml has no client jar execution with includes");
    }
    try (Stream<Path> files = Files.walk(classes)) {
      return files.filter(Files::isRegularFile).map(classes::relativize)
        .filter(p -> includes.stream().anyMatch(m -> m.matches(p)))
        .filter(p -> excludes.stream().noneMatch(m -> m.matches(p)))
        .sorted().toList();
    }
  }

  private static List<PathMatcher> patterns(Path pom, String tag) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    NodeList executions = doc.getElementsByTagName("execution");
    List<PathMatcher> matchers = new ArrayList<>();
    for (int i = 0; i < executions.getLength(); i++) {
      Element execution = (Element) executions.item(i);
      NodeList ids = execution.getElementsByTagName("id");
      if (ids.getLength() > 0 && "client".equals(ids.item(0).getTextContent().trim())) {
        NodeList found = execution.getElementsByTagName(tag);
        for (int j = 0; j < found.getLength(); j++) {
          matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + found.item(j).getTextContent().trim()));
        }
      }
    }
    return matchers;
  }

  /** Every class → class reference in {@code jarOrDirectory}, from {@code jdeps -verbose:class}. */
  public static List<Edge> dependencies(Path jarOrDirectory) throws Exception {
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    Path out = Files.createTempFile("jdeps", ".txt");
    try {
      Process p = new ProcessBuilder(jdeps.toString(), "-verbose:class", jarOrDirectory.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("jdeps did not finish within 120 s");
      }
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError("jdeps failed (" + p.exitValue() + "): " + String.join("\n", lines));
      }
      List<Edge> edges = new ArrayList<>();
      for (String line : lines) {
        Matcher m = EDGE.matcher(line);
        if (m.matches()) {
          edges.add(new Edge(m.group(1), m.group(2)));
        }
      }
      return edges;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * The references of {@code jarOrDirectory} a client JVM cannot satisfy: to {@link #NATIVE_PACKAGES}, or to a
   * procbus class that is not in {@code jarOrDirectory} itself (the engine, the verticle, the policy, …).
   */
  public static List<Edge> violations(Path jarOrDirectory) throws Exception {
    Set<String> own = classes(jarOrDirectory);
    return dependencies(jarOrDirectory).stream()
      .filter(e -> NATIVE_PACKAGES.stream().anyMatch(e.to()::startsWith)
        || e.to().startsWith("io.procbus.") && !own.contains(e.to()))
      .toList();
  }

  /** The names of the classes in a jar or a class directory. */
  public static Set<String> classes(Path jarOrDirectory) throws IOException {
    List<String> entries;
    if (Files.isDirectory(jarOrDirectory)) {
      try (Stream<Path> files = Files.walk(jarOrDirectory)) {
        entries = files.filter(Files::isRegularFile).map(f -> jarOrDirectory.relativize(f).toString()).toList();
      }
    } else {
      try (JarFile jar = new JarFile(jarOrDirectory.toFile())) {
        entries = jar.stream().map(JarEntry::getName).toList();
      }
    }
    return entries.stream().filter(n -> n.endsWith(".class"))
      .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).collect(Collectors.toSet());
  }
}
