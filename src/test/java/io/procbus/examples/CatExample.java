package io.procbus.examples;

import io.procbus.api.CommunicateResult;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** The engine's smallest use, shown in docs/engine.md: some data through {@code cat}. */
public final class CatExample {

  private CatExample() {
  }

  /** Runs {@code cat} with {@code "some data"} on its stdin; completes with its output and exit status. */
  public static Future<CommunicateResult> catSomeData(ProcessEngine engine) {
    // tag::cat[]
    return engine.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe()))
      .compose(cat -> cat.communicate(Buffer.buffer("some data")))
      .onSuccess(r -> System.out.println(r.stdout() + " exit " + r.returnCode()));
    // end::cat[]
  }
}
