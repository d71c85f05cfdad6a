package io.procbus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The benchmark figures in the docs are the ones {@code bench/results.json} holds: rendered, never pasted. */
class BenchTableTest {

  @Test
  void docsBenchmarksShowsExactlyTheTablesOfTheCommittedResults() throws Exception {
    String doc = Files.readString(Path.of("docs", "benchmarks.md"));
    int begin = doc.indexOf(BenchTable.BEGIN);
    int end = doc.indexOf(BenchTable.END);
    assertTrue(begin >= 0 && end > begin, "docs/benchmarks.md lacks the generated region");
    JsonObject results = new JsonObject(Files.readString(Path.of("bench", "results.json")));
    assertEquals(BenchTable.render(results, "bench/results.json"),
      doc.substring(begin + BenchTable.BEGIN.length(), end).strip(), "run bench/publish after bench/run");
  }

  @Test
  void aTargetIsJudgedOnTheRatioOfMediansOfTheSameRun() {
    Figures figures = new Figures();
    for (double v : new double[] {100, 90, 110}) {
      figures.add("W1", BenchTable.SPAWNS, BenchTable.C, v);
    }
    for (double v : new double[] {80, 95, 85}) {
      figures.add("W1", BenchTable.SPAWNS, BenchTable.ENGINE, v);
    }
    JsonObject results = figures.toJson().put("quick", true).put("rounds", 3).put("commit", "c0ffee")
      .put("date", "2026-12-06T00:00:00Z").put("jvm", "JVM 17").put("machine", new JsonObject().put("cores", 2)
        .put("cpu", "cpu").put("memoryMiB", 1024).put("kernel", "6.1").put("loadAverageAtStart", "0.00"));
    String table = BenchTable.render(results, "x.json");
    // engine median 85 against C's median 100: 0.85x, below the 0.9x target
    assertTrue(table.contains("| ≥ 0.90× C reference | procbus engine, W1 spawns/s | 85.0 [80.0 – 95.0] | 100 | 0.85× | **no** |"),
      table);
  }
}
