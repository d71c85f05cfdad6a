package io.procbus.ops;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * What the image runs and what compose gives each node, read from {@code docker/} and mapped onto this checkout
 * (image paths {@code /app/conf/…} become {@code conf/…}), so
 * that the tests run the image's exact command without a Docker engine.
 */
final class DockerCommand {

  static final Path DOCKERFILE = Path.of("docker", "Dockerfile");
  static final Path COMPOSE = Path.of("docker", "compose.yaml");

  /** One Dockerfile instruction, continuation lines joined. */
  record Instruction(String keyword, String arguments) {
  }

  private DockerCommand() {
  }

  /** Every instruction of the Dockerfile, in order. */
  static List<Instruction> instructions() throws IOException {
    List<Instruction> all = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      String trimmed = line.strip();
      if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString();
      int space = text.indexOf(' ');
      all.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
      current.setLength(0);
    }
    return all;
  }

  /** The arguments of the last {@code keyword} instruction (the runtime stage's), or null. */
  static String last(String keyword) throws IOException {
    String found = null;
    for (Instruction i : instructions()) {
      if (i.keyword().equals(keyword)) {
        found = i.arguments();
      }
    }
    return found;
  }

  /** Every {@code ARG NAME=default} of the Dockerfile, in order (an {@code ARG} without default maps to null). */
  static Map<String, String> buildArgs() throws IOException {
    Map<String, String> args = new LinkedHashMap<>();
    for (Instruction i : instructions()) {
      if (i.keyword().equals("ARG")) {
        int eq = i.arguments().indexOf('=');
        args.put(eq < 0 ? i.arguments() : i.arguments().substring(0, eq), eq < 0 ? null : i.arguments().substring(eq + 1));
      }
    }
    return args;
  }

  /** An exec-form (JSON array) instruction's words. */
  static List<String> execForm(String keyword) throws IOException {
    String arguments = last(keyword);
    if (arguments == null || !arguments.startsWith("[")) {
      throw new AssertionError(keyword + " is not in exec form: " + arguments);
    }
    List<String> words = new ArrayList<>();
    new JsonArray(arguments).forEach(w -> words.add((String) w));
    return words;
  }

  /** The ENTRYPOINT's JVM flags: the words between {@code java} and {@code -jar}, with paths mapped. */
  static List<String> jvmArgs() throws IOException {
    List<String> entrypoint = execForm("ENTRYPOINT");
    int java = entrypoint.indexOf("java");
    int jar = entrypoint.indexOf("-jar");
    List<String> flags = new ArrayList<>();
    entrypoint.subList(java + 1, jar).forEach(w -> flags.add(local(w)));
    return flags;
  }

  /** An image path as a path of this checkout. */
  static String local(String word) {
    return word.replace("/app/conf/", "conf/");
  }

  /** compose.yaml, merge keys resolved. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(COMPOSE));
  }

  /** The compose services by name, in file order. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> services() throws IOException {
    return new LinkedHashMap<>((Map<String, Map<String, Object>>) compose().get("services"));
  }

  /** A service's command, with paths mapped. */
  @SuppressWarnings("unchecked")
  static List<String> command(Map<String, Object> service) {
    List<String> command = new ArrayList<>();
    ((List<String>) service.get("command")).forEach(w -> command.add(local(w)));
    return command;
  }

  /** A service's environment (map form). */
  @SuppressWarnings("unchecked")
  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    ((Map<String, Object>) service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }
}
