package io.procbus.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of one benchmark run: each workload's metric per implementation, one value per round. */
final class Figures {

  private record Key(String workload, String metric, String impl) {
  }

  private final Map<String, String> workloads = new LinkedHashMap<>();
  private final Map<Key, List<Double>> values = new LinkedHashMap<>();

  /** Names what workload {@code id} does, for the tables. */
  void describe(String id, String description) {
    workloads.put(id, description);
  }

  /** Adds one round's value of {@code metric} of {@code workload} for {@code impl}. */
  void add(String workload, String metric, String impl, double value) {
    values.computeIfAbsent(new Key(workload, metric, impl), k -> new ArrayList<>()).add(value);
  }

  /** {@code {"workloads":{id: description}, "figures":[{workload, metric, impl, values, min, median, max}]}}. */
  JsonObject toJson() {
    JsonArray all = new JsonArray();
    values.forEach((key, list) -> {
      double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      all.add(new JsonObject().put("workload", key.workload()).put("metric", key.metric()).put("impl", key.impl())
        .put("values", new JsonArray(list.stream().map(v -> (Object) v).toList()))
        .put("min", sorted[0]).put("median", median(sorted)).put("max", sorted[sorted.length - 1]));
    });
    return new JsonObject().put("workloads", new JsonObject(new LinkedHashMap<>(workloads))).put("figures", all);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
