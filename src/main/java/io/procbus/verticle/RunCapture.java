package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.RunResult;
import io.procbus.api.SubprocessTransport;
import io.procbus.api.WritePipeTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * The capture of a run-to-completion: input fed to stdin then closed, stdout and stderr kept up to a cap
 * and counted beyond it (the pipes are always read, so the child never blocks), the result at the end.
 * asyncio: {@code communicate()}; Python: {@code subprocess.run(capture_output=True)}.
 *
 * <p>Runs on the verticle's context, driven by its {@link ManagedProcess}.
 */
final class RunCapture {

  private final int cap;
  private final Buffer input;
  private final Promise<RunResult> result = Promise.promise();
  private final Buffer[] kept = new Buffer[3];
  private final long[] bytes = new long[3];
  private final boolean[] truncated = new boolean[3];
  private SubprocessTransport transport;
  private Future<Boolean> fed = Future.succeededFuture(true);

  RunCapture(int cap, Buffer input) {
    this.cap = cap;
    this.input = input;
  }

  Future<RunResult> result() {
    return result.future();
  }

  void started(ManagedProcess process, SubprocessTransport t) {
    transport = t;
    kept[1] = t.pipe(1) != null ? Buffer.buffer() : null;
    kept[2] = t.pipe(2) != null ? Buffer.buffer() : null;
    WritePipeTransport stdin = (WritePipeTransport) t.pipe(0);
    if (stdin != null) {
      fed = feed(stdin, process);
    }
  }

  /** Writes the input and closes stdin; true when the input reached the pipe whole. asyncio: {@code _feed_stdin}. */
  private Future<Boolean> feed(WritePipeTransport stdin, ManagedProcess process) {
    boolean nothingToSend = input == null || input.length() == 0;
    Future<Void> written = nothingToSend ? Future.succeededFuture() : stdin.write(input);
    return written.compose(v -> process.closeStdin()).map(true).recover(e -> {
      if (e instanceof ProcessException pe
        && (pe.code() == ErrorCode.BROKEN_PIPE || pe.code() == ErrorCode.CONNECTION_RESET)) {
        stdin.writeEof();
        return Future.succeededFuture(nothingToSend);
      }
      return Future.failedFuture(e);
    });
  }

  void data(int fd, Buffer chunk) {
    bytes[fd] += chunk.length();
    Buffer k = kept[fd];
    if (k == null || result.future().isComplete()) {
      return;
    }
    int room = cap - k.length();
    if (chunk.length() <= room) {
      k.appendBuffer(chunk);
    } else {
      if (room > 0) {
        k.appendBuffer(chunk, 0, room);
      }
      truncated[fd] = true;
    }
  }

  void fail(ProcessException error) {
    result.tryFail(error);
  }

  /** Every pipe is closed and the exit is known. */
  void closed() {
    fed.onComplete(ar -> result.tryComplete(new RunResult()
      .setPid(transport.pid())
      .setStdout(kept[1])
      .setStderr(kept[2])
      .setStdoutBytes(bytes[1])
      .setStderrBytes(bytes[2])
      .setStdoutTruncated(truncated[1])
      .setStderrTruncated(truncated[2])
      .setExitStatus(transport.exitStatus())
      .setReturnCode(transport.exitStatus().returnCode())
      .setInputDelivered(ar.succeeded() && ar.result())));
  }
}
