package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.ProcessState;
import io.procbus.api.ReadPipeTransport;
import io.procbus.api.Signal;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.api.WritePipeTransport;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.streams.Chunks;
import io.procbus.streams.CreditWindow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One child of the service: the {@link SubprocessProtocol} the engine calls, turned into events on the
 * process's address, paced by its owner's credit.
 *
 * <p>All of it runs on the verticle's context (the engine binds the child to the context that spawned it).
 * Nothing is published before the owner's first grant (the <em>attach</em>, {@link ProcessEvents}): until then
 * events are held in order, which is bounded because the pipes are paused from {@code connectionMade} on: only
 * what the engine drains at exit (at most one pipe's capacity per stream) and a handful of control events can
 * be held. After the attach a stream's pipe is read while its {@link CreditWindow} has credit; a chunk is
 * published, then spent, so the credit may be overdrawn by one read. The pipe's own pause is the one record of
 * whether it is read.
 *
 * <p>A run-to-completion process ({@link RunCapture}) publishes nothing: its pipes are never paused and its
 * output goes to the capture.
 */
final class ManagedProcess implements SubprocessProtocol {

  private static final String[] STREAM = {"stdin", "stdout", "stderr"};

  final String id;
  /** The owner, or {@code null} for a detached process that anyone may control. */
  final String owner;
  final boolean detached;
  final List<String> argv;
  final int limit;
  final long startedAt = System.currentTimeMillis();
  private final ProcessServiceImpl service;
  private final ContextInternal context;
  private final String eventAddress;
  private final ProcessEvents events;
  private final ProcessLimits limits;
  private final long timeoutMillis;
  private final Signal killSignal;
  private final RunCapture capture;
  private final Promise<Void> exited;

  private SubprocessTransport transport;
  private final ReadPipeTransport[] readers = new ReadPipeTransport[3];
  private WritePipeTransport stdin;
  private Promise<Void> stdinClosed;
  /** The owner's credit per stream, indexed by fd (context thread only). */
  private final CreditWindow[] credit = {null, new CreditWindow(), new CreditWindow()};

  // Life (context thread only)
  private ExitStatus exitStatus;
  private boolean closed;
  private boolean givenUp;

  ManagedProcess(ProcessServiceImpl service, ContextInternal context, String id, String owner, boolean detached,
                 List<String> argv, int limit, long timeoutMillis, Signal killSignal, RunCapture capture,
                 String ownerAddress) {
    this.service = service;
    this.context = context;
    this.id = id;
    this.owner = owner;
    this.detached = detached;
    this.argv = List.copyOf(argv);
    this.limit = limit;
    this.timeoutMillis = timeoutMillis;
    this.killSignal = killSignal;
    this.capture = capture;
    this.eventAddress = service.addresses().process(id);
    this.events = new ProcessEvents(service.vertx().eventBus(), eventAddress, capture == null ? ownerAddress : null,
      id, service.replayBounds());
    this.limits = new ProcessLimits(context, timeoutMillis, killSignal);
    this.exited = context.promise();
  }

  // --- SubprocessProtocol (the engine, on the context)

  @Override
  public void connectionMade(SubprocessTransport t) {
    assert context.inThread();
    transport = t;
    stdin = (WritePipeTransport) t.pipe(0);
    readers[1] = (ReadPipeTransport) t.pipe(1);
    readers[2] = (ReadPipeTransport) t.pipe(2);
    stdinClosed = context.promise();
    if (stdin == null) {
      stdinClosed.complete();
    }
    if (capture == null) {
      // No credit yet: read nothing until the owner attaches and grants.
      pause(1);
      pause(2);
    }
    limits.started(t, () -> {
      if (capture != null) {
        capture.fail(new ProcessException(ErrorCode.TIMEOUT, "process " + id + " ran longer than " + timeoutMillis
          + " ms: " + killSignal + " was sent"));
      }
    });
    if (capture != null) {
      capture.started(this, t);
    }
  }

  @Override
  public void pipeDataReceived(int fd, Buffer data) {
    service.monitor().streamBytes(STREAM[fd], data.length());
    limits.output(data.length());
    if (capture != null) {
      capture.data(fd, data);
      return;
    }
    if (givenUp) {
      return; // given up: read and dropped, so a child that handles TERM can still flush and exit
    }
    // published read-only: every subscriber on this node then shares it instead of getting a copy made here
    // (see Chunks); the service owns the engine's chunk from here on and never writes it
    emit(fd == 1 ? EventType.STDOUT : EventType.STDERR, Chunks.readOnlyView(data));
    if (!credit[fd].spend(data.length()) && readers[fd].isReading()) {
      service.monitor().paused(STREAM[fd]);
      pause(fd);
    }
  }

  /** Sets the policy's output budget: past it, the kill signal is sent once. */
  void limitOutput(long maxOutputBytes) {
    limits.limitOutput(maxOutputBytes);
  }

  @Override
  public void pipeConnectionLost(int fd, Throwable error) {
    JsonObject body = new JsonObject();
    if (fd != 0) {
      body.put(EventFields.STREAM, STREAM[fd]);
    }
    body.put(EventFields.ERROR, error == null ? null : String.valueOf(error.getMessage()));
    if (error != null) {
      body.put(EventFields.ERROR_CODE, (error instanceof ProcessException pe ? pe.code()
        : ErrorCode.CONNECTION_RESET).name());
    }
    if (fd == 0) {
      emit(EventType.STDIN_CLOSED, body);
      if (error == null) {
        stdinClosed.tryComplete();
      } else {
        stdinClosed.tryFail(error);
      }
    } else {
      emit(EventType.EOF, body);
    }
  }

  @Override
  public void processExited() {
    exitStatus = transport.exitStatus();
    limits.exited();
    service.onExited(this);
    service.monitor().exited(id, transport.pid(), owner, exitStatus);
    emit(EventType.EXIT, exitStatus.toJson());
    exited.complete();
    if (givenUp) {
      // Nobody reads a given-up process: close the pipes a grandchild may still hold.
      context.runOnContext(v -> transport.close());
    }
  }

  @Override
  public void connectionLost(Throwable error) {
    closed = true;
    emit(EventType.CLOSED, new JsonObject());
    if (capture != null) {
      capture.closed();
    }
    service.onClosed(this);
  }

  // --- events

  private void emit(EventType type, Object body) {
    if (capture == null) {
      events.emit(type, body);
    }
  }

  // --- flow control

  /** A grant from the owner: attaches on the first one, then adds credit and resumes the pipes that have some. */
  void grant(long stdout, long stderr) {
    assert context.inThread();
    if (capture != null || givenUp) {
      return;
    }
    events.attach();
    addCredit(1, stdout);
    addCredit(2, stderr);
  }

  private void addCredit(int fd, long n) {
    if (n > 0 && credit[fd].add(n)) {
      resume(fd);
    }
  }

  private void pause(int fd) {
    if (readers[fd] != null) {
      readers[fd].pauseReading();
    }
  }

  private void resume(int fd) {
    if (readers[fd] != null) {
      readers[fd].resumeReading();
    }
  }

  // --- termination

  /**
   * Gives the process up: publishes {@code terminated} (flushing what was queued before it), drops further
   * output and keeps reading, so the child is never blocked on a full pipe while it is being terminated.
   * Returns false if it was already given up or closed.
   */
  boolean giveUp(String reason, String message) {
    if (givenUp || closed) {
      return false;
    }
    if (capture == null) {
      events.attach();
      events.emit(EventType.TERMINATED, new JsonObject().put(EventFields.CODE, ErrorCode.TERMINATED.code())
        .put(EventFields.REASON, reason).put(EventFields.MESSAGE, message));
    } else {
      capture.fail(new ProcessException(ErrorCode.TERMINATED, message));
    }
    givenUp = true;
    resume(1);
    resume(2);
    if (exitStatus != null) {
      transport.close(); // exited: only pipes held by grandchildren are left
    }
    return true;
  }

  /** TERM now, KILL after {@code graceMillis} if the child is still alive; completes once it is reaped. */
  Future<Void> terminate(long graceMillis) {
    limits.terminate(graceMillis, () -> service.monitor().killed(id, transport.pid(), owner, graceMillis));
    return exited.future();
  }

  // --- commands (the service, on the context)

  Future<Void> writeStdin(Buffer data) {
    if (stdin == null) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "stdin of " + id + " is not a pipe"));
    }
    return stdin.write(data);
  }

  Future<Void> closeStdin() {
    if (stdin == null) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "stdin of " + id + " is not a pipe"));
    }
    stdin.writeEof();
    return stdinClosed.future();
  }

  Future<Void> closePipe(int fd) {
    if (fd < 0 || fd > 2 || transport.pipe(fd) == null) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "fd " + fd + " of " + id
        + " is not a pipe"));
    }
    if (fd == 0) {
      stdin.abort();
    } else {
      readers[fd].close();
    }
    return Future.succeededFuture();
  }

  void closeTransport() {
    transport.close();
  }

  Future<Void> signal(int signum, boolean group) {
    return group ? transport.sendGroupSignal(signum) : transport.sendSignal(signum);
  }

  Future<Void> resize(int cols, int rows) {
    return transport.resize(cols, rows);
  }

  Future<Void> exited() {
    return exited.future();
  }

  // --- state

  int pid() {
    return transport.pid();
  }

  boolean hasExited() {
    return exitStatus != null;
  }

  boolean isClosed() {
    return closed;
  }

  boolean isGivenUp() {
    return givenUp;
  }

  /** Someone asked for the events ({@code replay}): publish them on the process's address from now on. */
  void watch() {
    events.watch();
  }

  /** The events kept for {@code replay}. */
  EventRing ring() {
    return events.ring();
  }

  boolean isRun() {
    return capture != null;
  }

  /** Credit left on a stream (negative when a chunk overdrew it). For tests and diagnostics. */
  long credit(int fd) {
    return credit[fd].credit();
  }

  /** Bytes of a stream granted so far by the owner. */
  long granted(int fd) {
    return credit[fd].granted();
  }

  /** Bytes of a stream published so far. */
  long published(int fd) {
    return credit[fd].spent();
  }

  /** Whether the service is reading a stream's pipe now. */
  boolean isReading(int fd) {
    return readers[fd] != null && readers[fd].isReading();
  }

  ProcessInfo info() {
    ProcessInfo info = new ProcessInfo()
      .setId(id)
      .setPid(transport.pid())
      .setOwner(owner)
      .setDetached(detached)
      .setArgv(argv)
      .setInstance(service.instance())
      .setServiceAddress(service.addresses().instance(service.instance()))
      .setControlAddress(service.addresses().control(service.instance()))
      .setEventAddress(capture == null ? eventAddress : null)
      .setStdinPipe(transport.pipe(0) != null)
      .setStdoutPipe(transport.pipe(1) != null)
      .setStderrPipe(transport.pipe(2) != null)
      .setLimit(limit)
      .setMaxStdinMessageBytes(service.limits().getMaxStdinMessageBytes())
      .setState(closed ? ProcessState.CLOSED : exitStatus != null ? ProcessState.EXITED : ProcessState.RUNNING)
      .setExitStatus(exitStatus)
      .setStartedAt(startedAt)
      .setTerminal(transport.terminalSize());
    return info;
  }
}
