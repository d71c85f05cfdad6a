package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.Signal;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.protocol.Control;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.FailureCodec;
import io.procbus.protocol.Headers;
import io.procbus.streams.BaseSubprocessTransport;
import io.procbus.streams.ChildContext;
import io.procbus.streams.Chunks;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One remote child: the events of its address turned into {@link SubprocessProtocol} callbacks through
 * {@link BaseSubprocessTransport}, and its commands sent to its service instance.
 *
 * <p>Start: subscribe to the event address and wait until the subscription is in place, call
 * {@code connectionMade}, then send the first grant (the attach): the service publishes nothing before it, so
 * nothing is missed. With the client's {@link EventRouter} (protocol version 2) the subscription is the client's
 * one consumer, in place before the spawn, and the child only joins it. Events must arrive with {@code seq} 0, 1, 2…: a gap or a reordering gives the process up
 * with {@link ErrorCode#EVENTS_LOST} (and kills it) rather than deliver a stream with a hole in it. The event
 * stream ends with the service's {@code closed} event, which is where {@code connectionLost} comes from.
 *
 * <p>Everything runs on {@link #context()}, the context that spawned the child; public methods called from
 * elsewhere are hopped onto it, in call order.
 */
final class RemoteTransport extends BaseSubprocessTransport<RemoteStdin, RemoteReadPipe> {

  private static final Logger LOG = Logger.getLogger(RemoteTransport.class.getName());

  private final ProcessClientImpl client;
  private final ProcessInfo info;
  private final ProcessClientImpl.Instance instance;
  /** The client's own event address, or {@code null}: this child's events come on its process address. */
  private final EventRouter router;

  // Context thread only
  private MessageConsumer<Object> consumer;
  private long expectedSeq;
  private boolean attached;
  private long lingerTimer = -1;

  RemoteTransport(ProcessClientImpl client, ChildContext on, SubprocessProtocol protocol, ProcessInfo info,
                  ProcessClientImpl.Instance instance, EventRouter router) {
    super(on, protocol, info.getPid());
    this.client = client;
    this.info = info;
    this.instance = instance;
    this.router = router;
    int window = client.options().getWindow();
    pipes(info.isStdinPipe() ? new RemoteStdin(this, info.getMaxStdinMessageBytes()) : null,
      info.isStdoutPipe() ? new RemoteReadPipe(this, 1, window) : null,
      info.isStderrPipe() ? new RemoteReadPipe(this, 2, window) : null);
    terminal(info.getTerminal());
    holdOpen(); // the event stream: connectionLost comes with the service's closed event
  }

  /** Subscribes, calls {@code connectionMade} and attaches; on the context. */
  Future<SubprocessTransport> start() {
    Promise<SubprocessTransport> started = context().promise();
    onContext(() -> {
      if (router != null) {
        router.add(info.getId(), this);
        made();
        attach();
        started.complete(this);
        return;
      }
      // The bus delivers on a duplicate of the context: run each event with the child's context current.
      consumer = client.vertx().eventBus().consumer(info.getEventAddress(), this::deliver);
      consumer.completion().onComplete(ar -> onContext(() -> {
        if (ar.failed()) {
          client.forget(this);
          instance.commands().closeProcess(info.getId(), client.owner());
          started.fail(new ProcessException(ErrorCode.CONNECTION_RESET, "cannot subscribe to "
            + info.getEventAddress() + ": " + ar.cause()));
          return;
        }
        made();
        attach();
        started.complete(this);
      }));
    });
    return started.future();
  }

  private void attach() {
    assert context().inThread() : "attach off the child's context";
    attached = true;
    if (isFinished()) {
      return;
    }
    Long stdout = readPipe(1) != null ? readPipe(1).initialGrant() : null;
    Long stderr = readPipe(2) != null ? readPipe(2).initialGrant() : null;
    send(stdout, stderr);
  }

  /** Adds {@code n} bytes of credit to stream {@code fd}. */
  void grant(int fd, long n) {
    send(fd == 1 ? n : null, fd == 2 ? n : null);
  }

  /** A grant: in a batch to a service of version 2 (the child takes its events on the client's address). */
  private void send(Long stdout, Long stderr) {
    if (router != null) {
      client.grants().grant(context(), info.getControlAddress(), info.getId(), stdout, stderr);
      return;
    }
    JsonObject grant = new JsonObject().put(Control.ID, info.getId()).put(Control.OWNER, client.owner());
    if (stdout != null) {
      grant.put(Control.STDOUT, stdout);
    }
    if (stderr != null) {
      grant.put(Control.STDERR, stderr);
    }
    client.vertx().eventBus().send(info.getControlAddress(), grant);
  }

  // --- events, on the context

  /** An event of this child, from any thread: handled on the child's context, in arrival order. */
  void deliver(Message<Object> message) {
    onContext(() -> onEvent(message));
  }

  private void onEvent(Message<Object> message) {
    assert context().inThread() : "event off the child's context";
    if (isFinished()) {
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
        case STDOUT -> pipeOf(1).onChunk(Chunks.readOnlyView((Buffer) body)); // shared bytes: see Chunks
        case STDERR -> pipeOf(2).onChunk(Chunks.readOnlyView((Buffer) body));
        case EOF -> {
          JsonObject eof = (JsonObject) body;
          pipeOf("stderr".equals(eof.getString(EventFields.STREAM)) ? 2 : 1).onEof(error(eof));
        }
        case STDIN_CLOSED -> {
          if (stdinPipe() == null) {
            throw new IllegalStateException("stdin-closed for a stdin that is not a pipe");
          }
          stdinPipe().onClosedEvent(error((JsonObject) body));
        }
        case EXIT -> childExited(new ExitStatus((JsonObject) body));
        case CLOSED -> {
          drainPipes();
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

  private RemoteReadPipe pipeOf(int fd) {
    RemoteReadPipe pipe = readPipe(fd);
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

  @Override
  protected void finishing(Throwable error) {
    if (error == null) {
      unsubscribe();
    } else {
      // Given up before the service's closed event: keep swallowing what is in flight (so that nothing arrives
      // at a consumer that is gone), but not for longer than a command may take.
      lingerTimer = context().setTimer(client.options().getRequestTimeoutMillis(), t -> unsubscribe());
    }
    client.forget(this);
  }

  private void unsubscribe() {
    if (lingerTimer != -1) {
      context().owner().cancelTimer(lingerTimer);
      lingerTimer = -1;
    }
    if (router != null) {
      router.remove(info.getId(), this);
    } else if (consumer != null && consumer.isRegistered()) {
      consumer.unregister();
    }
  }

  /** Gives the process up here with {@code error}: pipes lost, exit failed, connection lost. */
  void fail(ProcessException error) {
    onContext(() -> giveUp(error));
  }

  private void eventsLost(String why) {
    LOG.log(Level.WARNING, why);
    instance.commands().closeProcess(info.getId(), client.owner());
    fail(new ProcessException(ErrorCode.EVENTS_LOST, why + ": the process was killed"));
  }

  boolean isAttached() {
    return attached;
  }

  ProcessInfo info() {
    return info;
  }

  ProcessClientImpl.Instance instance() {
    return instance;
  }

  // --- commands: what differs from a local child

  @Override
  protected void exitObserved() {
    client.exited(this);
  }

  @Override
  protected Future<Void> signalChild(int signum, boolean group) {
    if (isFinished()) {
      return Future.failedFuture(new ProcessException(ErrorCode.PROCESS_LOOKUP,
        "process " + info.getId() + " is no longer tracked: no signal sent"));
    }
    Signal named = Signal.of(signum);
    String wire = named != null ? named.name() : Integer.toString(signum);
    return instance.commands().signal(info.getId(), client.owner(), wire, group)
      .recover(e -> Future.failedFuture(FailureCodec.toProcessException(e)));
  }

  @Override
  protected Future<Void> resizeTerminal(int cols, int rows) {
    return instance.commands().resize(info.getId(), client.owner(), cols, rows)
      .recover(e -> Future.failedFuture(FailureCodec.toProcessException(e)));
  }

  /** Asks the service to kill the child (SIGKILL) if it runs and to close its pipes. */
  @Override
  protected void closeChild() {
    instance.commands().closeProcess(info.getId(), client.owner())
      .onFailure(e -> LOG.log(Level.FINE, "closeProcess failed", e));
  }

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
}
