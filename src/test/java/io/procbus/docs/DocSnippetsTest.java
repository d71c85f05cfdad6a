package io.procbus.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every code block of the README and {@code docs/} that claims to be compiled or run code is that code.
 *
 * <p>A block claims it with a marker on the line before its fence: {@code <!-- snippet: PATH#TAG -->} (the lines
 * between {@code // tag::TAG[]} and {@code // end::TAG[]} of PATH, their common indentation removed) or
 * {@code <!-- snippet: PATH -->} (the whole file). Every {@code java} block must carry a marker, so no Java in
 * the docs goes unchecked.
 */
class DocSnippetsTest {

  private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([^#\\s]+)(?:#([\\w-]+))? -->");

  /** A fenced block of a document and the marker before it, if any. */
  private record Block(Path doc, int line, String language, String marker, String text) {
  }

  @Test
  void everyMarkedBlockIsItsSourceAndEveryJavaBlockIsMarked() throws IOException {
    List<Block> blocks = new ArrayList<>();
    for (Path doc : documents()) {
      blocks.addAll(blocks(doc));
    }
    int checked = 0;
    for (Block block : blocks) {
      String where = block.doc() + ":" + block.line();
      if (block.marker() == null) {
        assertFalse(block.language().equals("java"), where + ": a java block without a snippet marker");
        continue;
      }
      Matcher m = MARKER.matcher(block.marker());
      assertTrue(m.matches(), where + ": bad marker " + block.marker());
      Path source = Path.of(m.group(1));
      assertTrue(Files.isRegularFile(source), where + ": no file " + source);
      String expected = m.group(2) == null ? Files.readString(source) : region(source, m.group(2));
      assertEquals(normalize(expected), normalize(block.text()), where + " differs from " + block.marker());
      checked++;
    }
    assertTrue(checked >= 7, "only " + checked + " snippets checked");
  }

  @Test
  void theReadmeIsAFrontPage() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    assertTrue(lines.size() <= 200, "README.md has " + lines.size() + " lines");
    for (String line : lines) {
      assertFalse(line.matches("(?i).*\\bissue\\s*#?\\d+.*"), "README names an issue: " + line);
    }
  }

  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.walk(Path.of("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  private static List<Block> blocks(Path doc) throws IOException {
    List<String> lines = Files.readAllLines(doc);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith("```")) {
        continue;
      }
      String marker = null;
      for (int j = i - 1; j >= 0; j--) {
        if (!lines.get(j).isBlank()) {
          marker = lines.get(j).startsWith("<!-- snippet:") ? lines.get(j).trim() : null;
          break;
        }
      }
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).startsWith("```")) {
        end++;
      }
      blocks.add(new Block(doc, i + 1, line.substring(3).trim(), marker, String.join("\n", lines.subList(i + 1, end))));
      i = end;
    }
    return blocks;
  }

  private static String region(Path source, String tag) throws IOException {
    List<String> lines = Files.readAllLines(source);
    int begin = -1;
    for (int i = 0; i < lines.size(); i++) {
      String trimmed = lines.get(i).trim();
      if (trimmed.equals("// tag::" + tag + "[]")) {
        begin = i + 1;
      } else if (trimmed.equals("// end::" + tag + "[]") && begin >= 0) {
        return String.join("\n", lines.subList(begin, i));
      }
    }
    throw new AssertionError(source + " has no region " + tag);
  }

  /** Without the common indentation, trailing blanks and leading or trailing empty lines. */
  private static String normalize(String text) {
    List<String> lines = text.lines().map(String::stripTrailing).toList();
    int indent = lines.stream().filter(l -> !l.isEmpty()).mapToInt(l -> l.length() - l.stripLeading().length())
      .min().orElse(0);
    return String.join("\n", lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList()).strip();
  }
}
