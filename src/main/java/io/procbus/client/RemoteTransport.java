package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.PipeTransport;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.Signal;
import io.procbus.api.StdinWriter;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.protocol.Control;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.streams.ChildContext;
import io.procbus.streams.ChildTransport;
import io.procbus.streams.Chunks;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One remote child, as a {@link ChildTransport}: the events of its address turned into
 * {@link SubprocessProtocol} callbacks, and its commands sent to its service instance.
 *
 * <p>Start: subscribe to the event address and wait until the subscription is in place, call
 * {@code connectionMade}, then send the first grant (the attach): the service publishes nothing before it, so
 * nothing is missed. Events must arrive with {@code seq} 0, 1, 2…: a gap or a reordering gives the process up
 * with {@link ErrorCode#EVENTS_LOST} (and kills it) rather than deliver a stream with a hole in it.
 *
 * <p>Everything runs on {@link #context()}, the context that spawned the child; public methods called from
 * elsewhere are hopped onto it, in call order.
 */
final class RemoteTransport implements ChildTransport {

  private static final Logger LOG = Logger.getLogger(RemoteTransport.class.getName());

  private final ProcessClientImpl client;
  private final ChildContext on;
  private final ContextInternal context;
  private final SubprocessProtocol protocol;
  private final ProcessInfo info;
  private final ProcessClientImpl.Instance instance;
  private final RemoteStdin stdin;
  private final RemoteReadPipe stdout;
  private final RemoteReadPipe stderr;
  private final Promise<ExitStatus> exited;

  // Context thread only
  private MessageConsumer<Object> consumer;
  private long expectedSeq;
  private boolean attached;
  private boolean finished;
  private long lingerTimer = -1;

  // Any thread: written on the context thread only
  private volatile boolean closing;
  private volatile ExitStatus exitStatus;

  RemoteTransport(ProcessClientImpl client, ChildContext on, SubprocessProtocol protocol, ProcessInfo info,
                  ProcessClientImpl.Instance instance) {
    this.client = client;
    this.on = on;
    this.context = on.context();
    this.protocol = protocol;
    this.info = info;
    this.instance = instance;
    this.exited = context.promise();
    int window = client.options().getWindow();
    this.stdin = info.isStdinPipe() ? new RemoteStdin(this, info.getMaxStdinMessageBytes()) : null;
    this.stdout = info.isStdoutPipe() ? new RemoteReadPipe(this, 1, window) : null;
    this.stderr = info.isStderrPipe() ? new RemoteReadPipe(this, 2, window) : null;
  }

  /** Subscribes, calls {@code connectionMade} and attaches; on the context. */
  Future<SubprocessTransport> start() {
    Promise<SubprocessTransport> started = context.promise();
    on.run(() -> {
      // The bus delivers on a duplicate of the context: run each event with the child's context current.
      consumer = client.vertx().eventBus().consumer(info.getEventAddress(), m -> onContext(() -> onEvent(m)));
      consumer.completion().onComplete(ar -> onContext(() -> {
        if (ar.failed()) {
          finished = true;
          client.forget(this);
          instance.commands().closeProcess(info.getId(), client.owner());
          started.fail(new ProcessException(ErrorCode.CONNECTION_RESET, "cannot subscribe to "
            + info.getEventAddress() + ": " + ar.cause()));
          return;
        }
        callProtocol(() -> protocol.connectionMade(this));
        attach();
        started.complete(this);
      }));
    });
    return started.future();
  }

  private void attach() {
    assert context.inThread() : "attach off the child's context";
    attached = true;
    if (finished) {
      return;
    }
    JsonObject grant = new JsonObject().put(Control.ID, info.getId()).put(Control.OWNER, client.owner());
    if (stdout != null) {
      grant.put(Control.STDOUT, stdout.initialGrant());
    }
    if (stderr != null) {
      grant.put(Control.STDERR, stderr.initialGrant());
    }
    client.vertx().eventBus().send(info.getControlAddress(), grant);
  }

  /** Adds {@code n} bytes of credit to stream {@code fd}. */
  void grant(int fd, long n) {
    client.vertx().eventBus().send(info.getControlAddress(), new JsonObject().put(Control.ID, info.getId())
      .put(Control.OWNER, client.owner()).put(fd == 1 ? Control.STDOUT : Control.STDERR, n));
  }

  // --- events, on the context

  private void onEvent(Message<Object> message) {
    assert context.inThread() : "event off the child's context";
    if (finished) {
      // given up here: the service's last events are swallowed until its closed one
      if (EventType.CLOSED.wire().equals(message.headers().get(Headers.TYPE))) {
        unsubscribe();
      }
      return;
    }
    String seq = message.headers().get(Headers.SEQ);
    if (seq == null || !seq.equals(Long.toString(expectedSeq))) {
      eventsLost("expected event seq " + expectedSeq + " of process " + info.getId() + ", got " + seq);
      return;
    }
    expectedSeq++;
    EventType type = EventType.of(message.headers().get(Headers.TYPE));
    Object body = message.body();
    try {
      switch (type) {
        case STDOUT -> readPipe(1).onChunk(Chunks.readOnlyView((Buffer) body)); // shared bytes: see Chunks
        case STDERR -> readPipe(2).onChunk(Chunks.readOnlyView((Buffer) body));
        case EOF -> {
          JsonObject eof = (JsonObject) body;
          readPipe("stderr".equals(eof.getString(EventFields.STREAM)) ? 2 : 1).onEof(error(eof));
        }
        case STDIN_CLOSED -> {
          if (stdin == null) {
            throw new IllegalStateException("stdin-closed for a stdin that is not a pipe");
          }
          stdin.onClosedEvent(error((JsonObject) body));
        }
        case EXIT -> onExit(new ExitStatus((JsonObject) body));
        case CLOSED -> {
          flushAll();
          finish(null);
        }
        case TERMINATED -> {
          JsonObject t = (JsonObject) body;
          fail(new ProcessException(ErrorCode.TERMINATED, "process " + info.getId() + " was terminated by the service: "
            + t.getValue(EventFields.MESSAGE)));
        }
      }
    } catch (RuntimeException e) {
      eventsLost("malformed " + message.headers().get(Headers.TYPE) + " event of process " + info.getId() + ": " + e);
    }
  }

  private RemoteReadPipe readPipe(int fd) {
    RemoteReadPipe pipe = fd == 1 ? stdout : stderr;
    if (pipe == null) {
      throw new IllegalStateException("an event for fd " + fd + ", which is not a pipe");
    }
    return pipe;
  }

  private static Throwable error(JsonObject body) {
    Object message = body.getValue(EventFields.ERROR);
    if (message == null) {
      return null;
    }
    ErrorCode code = null;
    Object name = body.getValue(EventFields.ERROR_CODE);
    if (name instanceof String s) {
      try {
        code = ErrorCode.valueOf(s);
      } catch (IllegalArgumentException e) {
        // an unknown code: keep the default
      }
    }
    return new ProcessException(code != null ? code : ErrorCode.CONNECTION_RESET, String.valueOf(message));
  }

  private void onExit(ExitStatus status) {
    flushAll(); // every byte the child wrote before processExited, as the engine drains at exit
    exitStatus = status;
    client.exited(this);
    callProtocol(protocol::processExited);
    exited.tryComplete(status);
  }

  private void flushAll() {
    if (stdout != null) {
      stdout.flushAll();
    }
    if (stderr != null) {
      stderr.flushAll();
    }
  }

  private void finish(Throwable error) {
    finished = true;
    if (error == null) {
      unsubscribe();
    } else {
      // Given up before the service's closed event: keep swallowing what is in flight (so that nothing arrives
      // at a consumer that is gone), but not for longer than a command may take.
      lingerTimer = context.setTimer(client.options().getRequestTimeoutMillis(), t -> unsubscribe());
    }
    client.forget(this);
    callProtocol(() -> protocol.connectionLost(error));
  }

  private void unsubscribe() {
    if (lingerTimer != -1) {
      context.owner().cancelTimer(lingerTimer);
      lingerTimer = -1;
    }
    if (consumer != null && consumer.isRegistered()) {
      consumer.unregister();
    }
  }

  /** Gives the process up here with {@code error}: pipes lost, exit failed, connection lost. */
  void fail(ProcessException error) {
    onContext(() -> {
      if (finished) {
        return;
      }
      if (stdin != null) {
        stdin.fail(error);
      }
      if (stdout != null) {
        stdout.lose(error);
      }
      if (stderr != null) {
        stderr.lose(error);
      }
      if (exitStatus == null) {
        exited.tryFail(error);
        client.exited(this);
      }
      finish(error);
    });
  }

  private void eventsLost(String why) {
    LOG.log(Level.WARNING, why);
    instance.commands().closeProcess(info.getId(), client.owner());
    fail(new ProcessException(ErrorCode.EVENTS_LOST, why + ": the process was killed"));
  }

  boolean isAttached() {
    return attached;
  }

  boolean isFinished() {
    return finished;
  }

  SubprocessProtocol protocol() {
    return protocol;
  }

  ProcessInfo info() {
    return info;
  }

  ProcessClientImpl.Instance instance() {
    return instance;
  }

  // --- commands used by the pipes

  Future<Void> writeStdin(Buffer data) {
    return instance.streams().writeStdin(info.getId(), client.owner(), data);
  }

  Future<Void> closeStdin() {
    return instance.streams().closeStdin(info.getId(), client.owner());
  }

  void closePipe(int fd) {
    instance.commands().closePipe(info.getId(), client.owner(), fd)
      .onFailure(e -> LOG.log(Level.FINE, "closePipe failed", e));
  }

  /** Held bytes of a stream paused here, for tests. */
  long heldBytes(int fd) {
    RemoteReadPipe pipe = fd == 1 ? stdout : fd == 2 ? stderr : null;
    return pipe == null ? 0 : pipe.heldBytes();
  }

  // --- SubprocessTransport

  @Override
  public int pid() {
    return info.getPid();
  }

  @Override
  public Integer returnCode() {
    ExitStatus s = exitStatus;
    return s == null ? null : s.returnCode();
  }

  @Override
  public ExitStatus exitStatus() {
    return exitStatus;
  }

  @Override
  public Future<ExitStatus> exited() {
    return exited.future();
  }

  @Override
  public PipeTransport pipe(int fd) {
    return switch (fd) {
      case 0 -> stdin;
      case 1 -> stdout;
      case 2 -> stderr;
      default -> null;
    };
  }

  @Override
  public StdinWriter stdinWriter() {
    return stdin;
  }

  @Override
  public Future<Void> sendSignal(int signum) {
    return onContextFuture(() -> signal(signum, false));
  }

  @Override
  public Future<Void> sendGroupSignal(int signum) {
    return onContextFuture(() -> signal(signum, true));
  }

  private Future<Void> signal(int signum, boolean group) {
    if (signum < 1 || signum > Signal.MAX_NUMBER) {
      return Future.failedFuture(new ProcessException(ErrorCode.INVALID_ARGUMENT, "no signal " + signum));
    }
    if (exitStatus != null) {
      return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP,
        "process " + info.getPid() + " has exited (" + exitStatus + "): no signal sent"));
    }
    if (finished) {
      return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP,
        "process " + info.getId() + " is no longer tracked: no signal sent"));
    }
    Signal named = Signal.of(signum);
    String wire = named != null ? named.name() : Integer.toString(signum);
    return instance.commands().signal(info.getId(), client.owner(), wire, group)
      .recover(e -> Future.failedFuture(ProcessClientImpl.toProcessException(e)));
  }

  /**
   * Closes every pipe here at once and asks the service to kill the child (SIGKILL) if it runs and to close
   * its pipes; {@code processExited} and {@code connectionLost} follow with its events. asyncio: {@code close()}.
   */
  @Override
  public void close() {
    onContext(() -> {
      if (closing) {
        return;
      }
      closing = true;
      if (finished) {
        return;
      }
      if (stdin != null) {
        stdin.abortQuietly();
      }
      if (stdout != null) {
        stdout.lose(null);
      }
      if (stderr != null) {
        stderr.lose(null);
      }
      instance.commands().closeProcess(info.getId(), client.owner())
        .onFailure(e -> LOG.log(Level.FINE, "closeProcess failed", e));
    });
  }

  @Override
  public boolean isClosing() {
    return closing;
  }

  // --- context plumbing

  @Override
  public ContextInternal context() {
    return context;
  }

  /** Calls the protocol; what it throws goes to the context's exception handler and stops nothing else. */
  void callProtocol(Runnable callback) {
    on.callUser(callback);
  }

  /** Runs {@code action} on the context: now if on its thread (as current), else queued in call order. */
  @Override
  public void onContext(Runnable action) {
    on.run(action);
  }

  @Override
  public <T> Future<T> onContextFuture(Supplier<Future<T>> action) {
    return on.call(action);
  }

}
