package io.procbus.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.config.AuditOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The audit log writes one JSON line per record and keeps its size bounded by rotating. */
class AuditLogTest {

  @Test
  @Timeout(20)
  void linesAreWrittenAndTheFileIsRotatedAtItsBound() throws Exception {
    Path dir = Files.createTempDirectory("procbus-audit");
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(new AuditOptions().setFile(file.toString()).setMaxBytes(4096).setFiles(2));
    for (int i = 0; i < 500; i++) {
      log.record("spawn", new JsonObject().put("principal", "alice").put("n", i));
    }
    log.close(); // writes what is queued
    assertEquals(500, log.written() + log.dropped());
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.forEach(files::add);
    }
    assertEquals(3, files.size(), "the file and 2 rotated: " + files);
    for (Path f : files) {
      assertTrue(Files.size(f) <= 4096, f + " is " + Files.size(f) + " bytes");
      for (String line : Files.readAllLines(f)) {
        JsonObject j = new JsonObject(line);
        assertEquals("spawn", j.getString("event"));
        assertTrue(j.containsKey("time"));
      }
    }
    String last = Files.readAllLines(file).get(Files.readAllLines(file).size() - 1);
    assertEquals(499, new JsonObject(last).getInteger("n"), "the newest line is in the live file");
  }
}
