package io.procbus.examples;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Subprocess using streams: the asyncio docs' {@code get_date} example in Java.
 *
 * <p>Example using a {@link ChildProcess} to control the subprocess and its
 * {@link io.procbus.api.StreamReader} to read from the standard output. The subprocess is created by
 * {@link ProcessEngine#exec}. The program that prints the date is {@code date} instead of
 * {@code python -c "import datetime; print(datetime.datetime.now())"}.
 */
public final class GetDateExample {

  private GetDateExample() {
  }

  /** Runs the date program, reads one line of its output, waits for its exit and completes with the line. */
  // tag::get-date[]
  public static Future<String> getDate(ProcessEngine engine) {
    // Create the subprocess, redirect the standard output into a pipe
    return engine.exec(List.of("date", "+%Y-%m-%d %H:%M:%S"), new ProcessOptions().setStdout(Stdio.pipe()))
      // Read one line of output
      .compose(proc -> proc.stdout().readLine()
        .map(data -> data.toString(StandardCharsets.US_ASCII).stripTrailing())
        // Wait for the subprocess exit
        .compose(line -> proc.waitFor().map(returnCode -> line)));
  }
  // end::get-date[]
}
