package io.procbus.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The text summary of a JFR recording that {@code bench/profile} commits under {@code bench/profiles/}: CPU
 * samples of the event-loop threads (Java and native, idle {@code epoll_wait} apart), their top frames, the
 * procbus lines that native calls were made from, and where the heap was allocated.
 */
final class JfrSummary {

  private static final int TOP = 15;

  private JfrSummary() {
  }

  /** The summary of {@code jfr}, headed by {@code title}; allocations are divided by {@code units} ({@code unit}s). */
  static String summarize(Path jfr, String title, long units, String unit) throws Exception {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> nativeCallers = new HashMap<>();
    Map<String, Long> allocations = new HashMap<>();
    int busy = 0;
    int idle = 0;
    int other = 0;
    int nativeBusy = 0;
    long allocated = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = stack.getFrames();
      if (type.equals("jdk.ObjectAllocationSample")) {
        long weight = e.getLong("weight");
        allocated += weight;
        String cls = e.getClass("objectClass").getName();
        allocations.merge(cls + " in " + firstOwnFrame(frames, true), weight, Long::sum);
        continue;
      }
      boolean isNative = type.equals("jdk.NativeMethodSample");
      if (!isNative && !type.equals("jdk.ExecutionSample")) {
        continue;
      }
      String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
      if (thread == null || !thread.startsWith("vert.x-eventloop")) {
        other++;
        continue;
      }
      String top = name(frames.get(0), false);
      if (top.contains("epollWait") || top.contains("epollBusyWait")) {
        idle++;
        continue;
      }
      busy++;
      self.merge((isNative ? "[native] " : "") + top, 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f, false);
        if (seen.add(n)) {
          inclusive.merge(n, 1, Integer::sum);
        }
      }
      if (isNative) {
        nativeBusy++;
        nativeCallers.merge(firstOwnFrame(frames, true), 1, Integer::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("# ").append(title).append('\n');
    out.append(String.format(Locale.ROOT, "# written by bench/profile (ProfileRun, JfrSummary) at commit %s from a JFR"
      + " recording; samples every 5 ms per thread%n", System.getProperty("bench.commit", "unknown")));
    out.append(String.format(Locale.ROOT, "event-loop samples: %d busy (%d in native code), %d idle in epoll_wait;"
      + " %d samples of other threads%n", busy, nativeBusy, idle, other));
    section(out, "top frames, self (share of busy event-loop samples)", self, busy);
    section(out, "top methods, inclusive (share of busy event-loop samples)", inclusive, busy);
    section(out, "native calls by the procbus line that made them (share of busy event-loop samples)",
      nativeCallers, busy);
    out.append(String.format(Locale.ROOT, "%n## heap allocated (sampled): %.0f bytes per %s%n",
      allocated / (double) units, unit));
    long sampled = Math.max(1, allocated);
    allocations.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP)
      .forEach(en -> out.append(String.format(Locale.ROOT, "%5.1f%%  %s%n", 100.0 * en.getValue() / sampled,
        en.getKey())));
    return out.toString();
  }

  private static void section(StringBuilder out, String heading, Map<String, Integer> counts, int total) {
    out.append("\n## ").append(heading).append('\n');
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(TOP)
      .forEach(en -> sorted.put(en.getKey(), en.getValue()));
    sorted.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%5.1f%%  %s%n", 100.0 * v / Math.max(1, total), k)));
  }

  /** The first procbus frame, with its line; else the top frame. */
  private static String firstOwnFrame(List<RecordedFrame> frames, boolean line) {
    for (RecordedFrame f : frames) {
      if (f.getMethod().getType().getName().startsWith("io.procbus.")
        && !f.getMethod().getType().getName().startsWith("io.procbus.bench.")) {
        return name(f, line);
      }
    }
    return name(frames.get(0), line);
  }

  private static String name(RecordedFrame f, boolean line) {
    String type = f.getMethod().getType().getName();
    String simple = type.substring(type.lastIndexOf('.') + 1);
    return simple + "." + f.getMethod().getName() + (line ? ":" + f.getLineNumber() : "");
  }
}
