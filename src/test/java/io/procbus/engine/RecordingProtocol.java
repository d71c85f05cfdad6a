package io.procbus.engine;

import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A {@link SubprocessProtocol} for tests that records every callback in order and checks the state machine
 * of CPython's {@code MySubprocessProtocol} (conformance B) plus procbus's own guarantees (2.15).
 *
 * <p>Checked on every callback: {@code connectionMade} first and once; nothing after {@code connectionLost};
 * per fd, no data after {@code pipeConnectionLost} and at most one {@code pipeConnectionLost}; at most one
 * {@code processExited}; {@code connectionLost} only after {@code processExited} and after every fd that was
 * a pipe was lost; {@code resumeWriting} only after a {@code pauseWriting}; every callback on the context
 * that ran {@code connectionMade} (or on {@link #expectContext the given one}). A breach is recorded, fails
 * the {@link #lost()} future at once (so a test does not wait for its timeout), and is reported by
 * {@link #assertValid()}.
 *
 * <p>Callbacks run on the child's context while a test thread reads: the state is guarded by this object's
 * monitor (every method that touches it is {@code synchronized}).
 */
public class RecordingProtocol implements SubprocessProtocol {

  /** What happened. */
  public enum Kind { MADE, DATA, PIPE_LOST, EXITED, LOST, PAUSE_WRITING, RESUME_WRITING }

  /** One callback; {@code fd} is -1 and {@code data}/{@code error} null where they do not apply. */
  public record Event(Kind kind, int fd, Buffer data, Throwable error) {
    @Override
    public String toString() {
      return switch (kind) {
        case DATA -> "data(" + fd + "," + data + ")";
        case PIPE_LOST -> "pipeLost(" + fd + (error == null ? "" : "," + error) + ")";
        case LOST -> "lost(" + (error == null ? "" : error) + ")";
        default -> kind.name().toLowerCase();
      };
    }
  }

  private record DataWaiter(int fd, Predicate<Buffer> condition, Promise<Buffer> promise) {
  }

  private final List<Event> events = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final Buffer[] data = {null, Buffer.buffer(), Buffer.buffer()};
  private final boolean[] isPipe = new boolean[3];
  private final boolean[] pipeLost = new boolean[3];
  private final List<DataWaiter> dataWaiters = new ArrayList<>();
  private final Promise<SubprocessTransport> made = Promise.promise();
  private final Promise<Void> exited = Promise.promise();
  private final Promise<Void> lost = Promise.promise();
  private Context expectedContext;
  private SubprocessTransport transport;
  private boolean writingPaused;
  private int pauseWritingCount;
  private int resumeWritingCount;
  private Handler<SubprocessTransport> onMade;
  private BiConsumer<Integer, Buffer> onData;
  private Runnable onPauseWriting;
  private Runnable onResumeWriting;

  /** Requires every callback, {@code connectionMade} included, to run on {@code context}. */
  public synchronized RecordingProtocol expectContext(Context context) {
    this.expectedContext = context;
    return this;
  }

  /** Runs {@code handler} inside {@code connectionMade}, after recording it. */
  public synchronized RecordingProtocol onMade(Handler<SubprocessTransport> handler) {
    this.onMade = handler;
    return this;
  }

  /** Runs {@code handler} inside each {@code pipeDataReceived}, after recording it. */
  public synchronized RecordingProtocol onData(BiConsumer<Integer, Buffer> handler) {
    this.onData = handler;
    return this;
  }

  /** Runs {@code action} inside each {@code pauseWriting}, after recording it. */
  public synchronized RecordingProtocol onPauseWriting(Runnable action) {
    this.onPauseWriting = action;
    return this;
  }

  /** Runs {@code action} inside each {@code resumeWriting}, after recording it. */
  public synchronized RecordingProtocol onResumeWriting(Runnable action) {
    this.onResumeWriting = action;
    return this;
  }

  // --- SubprocessProtocol

  @Override
  public synchronized void connectionMade(SubprocessTransport transport) {
    if (!events.isEmpty()) {
      violation("connectionMade after " + events);
    }
    if (expectedContext == null) {
      expectedContext = Vertx.currentContext();
    }
    record(new Event(Kind.MADE, -1, null, null));
    this.transport = transport;
    for (int fd = 0; fd < 3; fd++) {
      isPipe[fd] = transport.pipe(fd) != null;
    }
    made.tryComplete(transport);
    if (onMade != null) {
      onMade.handle(transport);
    }
  }

  @Override
  public synchronized void pipeDataReceived(int fd, Buffer chunk) {
    connected("pipeDataReceived(" + fd + ")");
    if (fd != 1 && fd != 2) {
      violation("data on fd " + fd);
      return;
    }
    if (chunk == null || chunk.length() == 0) {
      violation("empty or null chunk on fd " + fd);
    }
    if (!isPipe[fd]) {
      violation("data on fd " + fd + " which is not a pipe");
    }
    if (pipeLost[fd]) {
      violation("data on fd " + fd + " after its pipeConnectionLost");
    }
    Buffer copy = chunk.copy();
    record(new Event(Kind.DATA, fd, copy, null));
    data[fd].appendBuffer(copy);
    // complete outside the iteration: a waiter's continuation may add waiters
    List<DataWaiter> satisfied = new ArrayList<>();
    for (Iterator<DataWaiter> it = dataWaiters.iterator(); it.hasNext(); ) {
      DataWaiter w = it.next();
      if (w.fd == fd && w.condition.test(data[fd])) {
        it.remove();
        satisfied.add(w);
      }
    }
    satisfied.forEach(w -> w.promise.tryComplete(data[fd].copy()));
    if (onData != null) {
      onData.accept(fd, chunk);
    }
  }

  @Override
  public synchronized void pipeConnectionLost(int fd, Throwable error) {
    connected("pipeConnectionLost(" + fd + ")");
    if (fd < 0 || fd > 2) {
      violation("pipeConnectionLost on fd " + fd);
      return;
    }
    if (!isPipe[fd]) {
      violation("pipeConnectionLost on fd " + fd + " which is not a pipe");
    }
    if (pipeLost[fd]) {
      violation("second pipeConnectionLost on fd " + fd);
    }
    pipeLost[fd] = true;
    record(new Event(Kind.PIPE_LOST, fd, null, error));
    List<DataWaiter> starved = new ArrayList<>();
    for (Iterator<DataWaiter> it = dataWaiters.iterator(); it.hasNext(); ) {
      DataWaiter w = it.next();
      if (w.fd == fd) {
        it.remove();
        starved.add(w);
      }
    }
    starved.forEach(w -> w.promise.tryFail("fd " + fd + " was lost with only " + data[fd] + " received"));
  }

  @Override
  public synchronized void processExited() {
    connected("processExited");
    if (count(Kind.EXITED) > 0) {
      violation("second processExited");
    }
    if (transport != null && transport.returnCode() == null) {
      violation("processExited while returnCode() is null");
    }
    record(new Event(Kind.EXITED, -1, null, null));
    exited.tryComplete();
  }

  @Override
  public synchronized void connectionLost(Throwable error) {
    connected("connectionLost");
    if (count(Kind.EXITED) == 0) {
      violation("connectionLost before processExited");
    }
    for (int fd = 0; fd < 3; fd++) {
      if (isPipe[fd] && !pipeLost[fd]) {
        violation("connectionLost while pipe " + fd + " is not lost");
      }
    }
    record(new Event(Kind.LOST, -1, null, error));
    List<DataWaiter> starved = new ArrayList<>(dataWaiters);
    dataWaiters.clear();
    starved.forEach(w -> w.promise.tryFail("connection lost with only " + data[w.fd] + " on fd " + w.fd));
    if (violations.isEmpty()) {
      lost.tryComplete();
    } else {
      lost.tryFail(new AssertionError("protocol violations: " + violations + " in " + events));
    }
  }

  @Override
  public synchronized void pauseWriting() {
    connected("pauseWriting");
    if (writingPaused) {
      violation("pauseWriting twice without resumeWriting");
    }
    writingPaused = true;
    pauseWritingCount++;
    record(new Event(Kind.PAUSE_WRITING, 0, null, null));
    if (onPauseWriting != null) {
      onPauseWriting.run();
    }
  }

  @Override
  public synchronized void resumeWriting() {
    connected("resumeWriting");
    if (!writingPaused) {
      violation("resumeWriting without pauseWriting");
    }
    writingPaused = false;
    resumeWritingCount++;
    record(new Event(Kind.RESUME_WRITING, 0, null, null));
    if (onResumeWriting != null) {
      onResumeWriting.run();
    }
  }

  // --- checks

  private void connected(String what) {
    if (events.isEmpty()) {
      violation(what + " before connectionMade");
    } else if (count(Kind.LOST) > 0) {
      violation(what + " after connectionLost");
    }
  }

  private void record(Event event) {
    Context current = Vertx.currentContext();
    if (current != expectedContext) {
      violation(event + " ran on " + current + ", not on " + expectedContext);
    }
    events.add(event);
  }

  private void violation(String what) {
    violations.add(what);
    lost.tryFail(new AssertionError("protocol violation: " + what + " in " + events));
  }

  private int count(Kind kind) {
    int n = 0;
    for (Event e : events) {
      if (e.kind == kind) {
        n++;
      }
    }
    return n;
  }

  // --- what tests read

  /** Completes with the transport in {@code connectionMade}. */
  public Future<SubprocessTransport> made() {
    return made.future();
  }

  /** Completes in {@code processExited}. */
  public Future<Void> exited() {
    return exited.future();
  }

  /** Completes in {@code connectionLost}; fails at the first violation. */
  public Future<Void> lost() {
    return lost.future();
  }

  /** Completes with all of fd's data so far once it satisfies {@code condition}; fails if fd is lost first. */
  public synchronized Future<Buffer> dataWhen(int fd, Predicate<Buffer> condition) {
    if (condition.test(data[fd])) {
      return Future.succeededFuture(data[fd].copy());
    }
    if (pipeLost[fd] || count(Kind.LOST) > 0) {
      return Future.failedFuture("fd " + fd + " is lost with only " + data[fd] + " received");
    }
    Promise<Buffer> p = Promise.promise();
    dataWaiters.add(new DataWaiter(fd, condition, p));
    return p.future();
  }

  /** Completes once fd's data so far equals {@code expected}. */
  public Future<Buffer> dataEquals(int fd, String expected) {
    return dataWhen(fd, b -> b.toString().equals(expected));
  }

  /** A copy of every event, in order. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The kinds of every event, in order. */
  public synchronized List<Kind> kinds() {
    return events.stream().map(Event::kind).toList();
  }

  /** Index of the first event of {@code kind} on {@code fd} (-1 for kinds without fd), or -1. */
  public synchronized int indexOf(Kind kind, int fd) {
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (e.kind == kind && (fd < 0 || e.fd == fd)) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the last event of {@code kind} on {@code fd}, or -1. */
  public synchronized int lastIndexOf(Kind kind, int fd) {
    for (int i = events.size() - 1; i >= 0; i--) {
      Event e = events.get(i);
      if (e.kind == kind && (fd < 0 || e.fd == fd)) {
        return i;
      }
    }
    return -1;
  }

  /** The error of fd's {@code pipeConnectionLost}; fails if there was none. */
  public synchronized Throwable pipeLostError(int fd) {
    for (Event e : events) {
      if (e.kind == Kind.PIPE_LOST && e.fd == fd) {
        return e.error;
      }
    }
    throw new AssertionError("no pipeConnectionLost(" + fd + ") in " + events);
  }

  /** Everything received on fd 1 or 2 so far. */
  public synchronized Buffer data(int fd) {
    return data[fd].copy();
  }

  /** Bytes received on fd 1 or 2 so far. */
  public synchronized int byteCount(int fd) {
    return data[fd].length();
  }

  /** Number of {@code pauseWriting} calls. */
  public synchronized int pauseWritingCount() {
    return pauseWritingCount;
  }

  /** Number of {@code resumeWriting} calls. */
  public synchronized int resumeWritingCount() {
    return resumeWritingCount;
  }

  /** The context callbacks must run on (set by {@link #expectContext} or at {@code connectionMade}). */
  public synchronized Context context() {
    return expectedContext;
  }

  /** Fails with every recorded violation, if any. */
  public synchronized void assertValid() {
    if (!violations.isEmpty()) {
      throw new AssertionError("protocol violations: " + violations + " in " + events);
    }
  }

  /** Fails unless the whole life was seen: made, exited, lost, with no violation. */
  public synchronized void assertComplete() {
    assertValid();
    if (count(Kind.MADE) != 1 || count(Kind.EXITED) != 1 || count(Kind.LOST) != 1) {
      throw new AssertionError("incomplete life: " + events);
    }
    if (events.get(events.size() - 1).kind != Kind.LOST) {
      throw new AssertionError("connectionLost is not last: " + events);
    }
  }
}
