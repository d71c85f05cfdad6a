package io.procbus.cli;

import io.procbus.api.ResourceUsage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How {@code ps} and {@code nodes} show what the node answered: the columns' text and the table. */
final class Tables {

  /** The columns of {@code ps}. */
  static final String[] PS_HEADER = {"ID", "NODE", "PID", "STATE", "EXIT", "CPU", "MAXRSS", "AGE", "COMMAND"};
  /** The columns of {@code nodes}. */
  static final String[] NODES_HEADER = {"NODE", "INSTANCE", "LIVE", "CAPACITY", "SEEN"};

  private Tables() {
  }

  /** A {@code ps} row of the ProcessInfo {@code p} on {@code node}, its age counted to {@code now}. */
  static String[] psRow(JsonObject p, String node, long now) {
    JsonObject exit = p.getJsonObject("exitStatus");
    ResourceUsage usage = exit == null || exit.getJsonObject("usage") == null ? null
      : new ResourceUsage(exit.getJsonObject("usage"));
    return new String[] {p.getString("id"), node, String.valueOf(p.getValue("pid")), p.getString("state"),
      exitText(exit), usage == null ? "" : cpuText(usage), usage == null ? "" : rssText(usage),
      age(now - p.getLong("startedAt", now)), commandText(p.getJsonArray("argv"))};
  }

  /** A {@code nodes} row of the NodeInfo {@code n}. */
  static String[] nodeRow(JsonObject n, long now) {
    return new String[] {n.getString("node"), n.getString("instance"), String.valueOf(n.getValue("live")),
      String.valueOf(n.getValue("capacity")), age(now - n.getLong("lastSeen", now)) + " ago"};
  }

  /** The EXIT column: {@code 3}, or {@code KILL/-9}; empty while running. */
  static String exitText(JsonObject exit) {
    if (exit == null) {
      return "";
    }
    return exit.getValue("code") != null ? String.valueOf(exit.getValue("code"))
      : exit.getString("signal") + "/-" + exit.getValue("signalNumber");
  }

  /** User plus system CPU time, in seconds: {@code 0.52s}. */
  static String cpuText(ResourceUsage usage) {
    return String.format(Locale.ROOT, "%.2fs", (usage.userCpuMicros() + usage.systemCpuMicros()) / 1e6);
  }

  /** The peak resident set size: {@code 10.2M}. */
  static String rssText(ResourceUsage usage) {
    return String.format(Locale.ROOT, "%.1fM", usage.maxRssKiB() / 1024.0);
  }

  /** The argv as run, without the policy's {@code prlimit}/{@code setpriv} wrappers. */
  static String commandText(JsonArray argv) {
    if (argv == null) {
      return "";
    }
    List<String> words = new ArrayList<>();
    for (Object a : argv) {
      words.add(String.valueOf(a));
    }
    while (!words.isEmpty() && (words.get(0).endsWith("/prlimit") || words.get(0).endsWith("/setpriv"))
      && words.contains("--")) {
      words = words.subList(words.indexOf("--") + 1, words.size());
    }
    return String.join(" ", words);
  }

  /** A duration as {@code 42s}, {@code 5m} or {@code 3h}. */
  static String age(long millis) {
    long s = Math.max(0, millis) / 1000;
    return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s / 3600 + "h";
  }

  /** Prints {@code rows} (the first is the header) as columns two spaces apart. */
  static void printTable(List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      b.append('\n');
    }
    System.out.print(b);
  }
}
