package io.procbus.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.CommunicateResult;
import io.procbus.api.ProcessEngine;
import io.procbus.engine.EngineTestBase;
import io.vertx.core.Future;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two examples of the asyncio subprocess docs, ported, run against real {@code date} children. */
class ExamplesTest extends EngineTestBase {

  private static final Pattern DATE_LINE = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");




  /**
   * The literal 2015 example closes the transport in processExited, which loses the output
   * in asyncio about one run in four; procbus delivers the output first, so all 200 runs get the date.
   * Runs go 20 at a time, so that children exit while the event loops are busy with others.
   */
  @Test
  @Timeout(120)
  void dateProtocolExampleGetsTheDateTwoHundredTimesOutOfTwoHundred() throws Exception {
    int received = 0;
    for (int batch = 0; batch < 10; batch++) {
      List<Future<String>> runs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        runs.add(DateProtocolExample.getDate(engine));
      }
      Future.all(runs).await(30, SECONDS);
      for (Future<String> run : runs) {
        String date = run.result();
        assertTrue(DATE_LINE.matcher(date).matches(), "run " + received + " got '" + date + "'");
        received++;
      }
    }
    assertEquals(200, received);
  }

  @Test
  @Timeout(20)
  void getDateExampleReadsAWellFormedCurrentDate() throws Exception {
    LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS);
    String date = GetDateExample.getDate(engine).await(10, SECONDS);
    LocalDateTime after = LocalDateTime.now();
    assertTrue(DATE_LINE.matcher(date).matches(), "'" + date + "'");
    LocalDateTime printed = LocalDateTime.parse(date, FORMAT);
    assertTrue(!printed.isBefore(before) && !printed.isAfter(after), before + " <= " + printed + " <= " + after);
  }

  @Test
  @Timeout(20)
  void catExampleGivesBackItsInputAndExitZero() throws Exception {
    CommunicateResult result = CatExample.catSomeData(engine).await(10, SECONDS);
    assertEquals("some data", result.stdout().toString());
    assertEquals(0, result.returnCode());
  }
}
