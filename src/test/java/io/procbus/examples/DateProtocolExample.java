package io.procbus.examples;

import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.api.SubprocessProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Subprocess using transport and protocol: the asyncio docs' {@code DateProtocol} example in Java.
 *
 * <p>Example of a subprocess protocol used to get the output of a subprocess and to wait for the subprocess
 * exit. The subprocess is created by {@link ProcessEngine#subprocessExec}. The program that prints the date
 * is {@code date} instead of {@code python -c "import datetime; print(datetime.datetime.now())"}.
 *
 * <p>Unlike asyncio, procbus calls {@code processExited} only after every byte the child itself wrote was
 * delivered, so closing the transport there, as this 2015 example does, never loses the output.
 */
public final class DateProtocolExample {

  private DateProtocolExample() {
  }

  // tag::date-protocol[]
  /** Collects the child's output and completes {@code exitFuture} when the child exits. */
  static final class DateProtocol implements SubprocessProtocol {
    private final Promise<Void> exitFuture;
    private final Buffer output = Buffer.buffer();

    DateProtocol(Promise<Void> exitFuture) {
      this.exitFuture = exitFuture;
    }

    @Override
    public void pipeDataReceived(int fd, Buffer data) {
      output.appendBuffer(data);
    }

    @Override
    public void processExited() {
      exitFuture.complete();
    }
  }

  /** Runs the date program under a {@link DateProtocol} and completes with the line it printed. */
  public static Future<String> getDate(ProcessEngine engine) {
    Promise<Void> exitFuture = Promise.promise();
    DateProtocol protocol = new DateProtocol(exitFuture);

    // Create the subprocess controlled by the protocol DateProtocol,
    // redirect the standard output into a pipe
    ProcessOptions options = new ProcessOptions().setStdin(Stdio.inherit()).setStderr(Stdio.inherit());
    return engine.subprocessExec(protocol, List.of("date", "+%Y-%m-%d %H:%M:%S"), options)
      // Wait for the subprocess exit using the processExited() method of the protocol
      .compose(transport -> exitFuture.future().map(exited -> {
        // Close the stdout pipe
        transport.close();
        // Read the output which was collected by the pipeDataReceived() method of the protocol
        return protocol.output.toString(StandardCharsets.US_ASCII).stripTrailing();
      }));
  }
  // end::date-protocol[]
}
