package io.procbus.streams;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessException;
import io.procbus.api.ReadPipeTransport;
import io.procbus.api.StdinWriter;
import io.procbus.api.StreamReader;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.function.Function;

/**
 * The high-level child: asyncio's {@code Process} together with its {@code SubprocessStreamProtocol}, over
 * any {@link ChildTransport}. Pipe data feeds the {@link StreamReader}s, whose buffers pause and resume the
 * pipes (locally the pipe itself, remotely the owner's credit).
 */
public final class StreamChildProcess implements ChildProcess, SubprocessProtocol {

  private final int limit;
  private ChildTransport transport;
  private StdinWriter stdin;
  private StreamReaderImpl stdout;
  private StreamReaderImpl stderr;
  private Promise<Void> closed;

  private StreamChildProcess(int limit) {
    this.limit = limit;
  }

  /** Spawns through {@code spawn} and completes once the child is started. */
  public static Future<ChildProcess> start(Function<SubprocessProtocol, Future<SubprocessTransport>> spawn,
                                          int limit) {
    StreamChildProcess process = new StreamChildProcess(limit);
    return spawn.apply(process).map(t -> process);
  }

  // --- SubprocessProtocol: called by the transport, on the context

  @Override
  public void connectionMade(SubprocessTransport t) {
    transport = (ChildTransport) t;
    closed = transport.context().promise();
    stdin = transport.stdinWriter();
    stdout = reader((ReadPipeTransport) transport.pipe(1));
    stderr = reader((ReadPipeTransport) transport.pipe(2));
  }

  private StreamReaderImpl reader(ReadPipeTransport pipe) {
    if (pipe == null) {
      return null;
    }
    return new StreamReaderImpl(transport.context(), limit, new StreamReaderImpl.FlowControl() {
      @Override
      public void pauseReading() {
        pipe.pauseReading();
      }

      @Override
      public void resumeReading() {
        pipe.resumeReading();
      }
    });
  }

  @Override
  public void pipeDataReceived(int fd, Buffer data) {
    (fd == 1 ? stdout : stderr).feedData(data);
  }

  @Override
  public void pipeConnectionLost(int fd, Throwable error) {
    StreamReaderImpl reader = fd == 1 ? stdout : fd == 2 ? stderr : null;
    if (reader != null) {
      if (error == null) {
        reader.feedEof();
      } else {
        reader.setException(error);
      }
    }
  }

  @Override
  public void connectionLost(Throwable error) {
    closed.complete();
  }

  // --- ChildProcess

  @Override
  public int pid() {
    return transport.pid();
  }

  @Override
  public Integer returnCode() {
    return transport.returnCode();
  }

  @Override
  public ExitStatus exitStatus() {
    return transport.exitStatus();
  }

  @Override
  public Future<Integer> waitFor() {
    return transport.exited().map(ExitStatus::returnCode);
  }

  @Override
  public Future<Void> closed() {
    return closed.future();
  }

  @Override
  public Future<CommunicateResult> communicate(Buffer input) {
    return transport.onContextFuture(() -> doCommunicate(input));
  }

  @Override
  public Future<CommunicateResult> communicate(Buffer input, Duration timeout) {
    return transport.onContextFuture(() -> {
      Promise<CommunicateResult> result = transport.context().promise();
      long timer = transport.context().setTimer(Math.max(1, timeout.toMillis()), t -> {
        transport.kill();
        result.tryFail(new ProcessException(ErrorCode.TIMEOUT, "communicate did not finish within " + timeout
          + ": process " + pid() + " was killed"));
      });
      doCommunicate(input).onComplete(ar -> {
        transport.context().owner().cancelTimer(timer);
        if (ar.succeeded()) {
          result.tryComplete(ar.result());
        } else {
          result.tryFail(ar.cause());
        }
      });
      return result.future();
    });
  }

  private Future<CommunicateResult> doCommunicate(Buffer input) {
    if (input != null && stdin == null) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "input given but stdin is not a pipe"));
    }
    Future<Boolean> fed = feed(input);
    Future<Buffer> out = stdout != null ? stdout.read(-1) : Future.succeededFuture();
    Future<Buffer> err = stderr != null ? stderr.read(-1) : Future.succeededFuture();
    return Future.all(fed, out, err).compose(all -> transport.exited()
      .map(status -> new CommunicateResult(out.result(), err.result(), status, fed.result())));
  }

  /** Writes {@code input} and closes stdin; true when the input reached the pipe whole. asyncio: {@code _feed_stdin}. */
  private Future<Boolean> feed(Buffer input) {
    if (stdin == null) {
      return Future.succeededFuture(true);
    }
    boolean nothingToSend = input == null || input.length() == 0;
    Future<Void> written = nothingToSend ? Future.succeededFuture() : stdin.write(input);
    return written.compose(v -> stdin.end()).map(true).recover(e -> {
      if (e instanceof ProcessException pe
        && (pe.code() == ErrorCode.BROKEN_PIPE || pe.code() == ErrorCode.CONNECTION_RESET)) {
        stdin.end();
        return Future.succeededFuture(nothingToSend);
      }
      return Future.failedFuture(e);
    });
  }

  @Override
  public Future<Void> sendSignal(int signum) {
    return transport.sendSignal(signum);
  }

  @Override
  public Future<Void> sendGroupSignal(int signum) {
    return transport.sendGroupSignal(signum);
  }

  @Override
  public Future<Void> resize(int cols, int rows) {
    return transport.resize(cols, rows);
  }

  @Override
  public StdinWriter stdin() {
    return stdin;
  }

  @Override
  public StreamReader stdout() {
    return stdout;
  }

  @Override
  public StreamReader stderr() {
    return stderr;
  }

  @Override
  public Context context() {
    return transport.context();
  }
}
