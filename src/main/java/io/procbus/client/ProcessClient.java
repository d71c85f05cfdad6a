package io.procbus.client;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A {@link ProcessEngine} whose children run in a procbus service on the event bus: code written against
 * {@link ProcessEngine} and {@link ChildProcess} runs unchanged on either.
 *
 * <p>Each child is owned by this client ({@link #owner()}). Its output comes as events on the child's
 * address, paced by credit this client grants as its readers consume, so a client that stops reading stops
 * the child (back-pressure end to end); stdin writes complete when the service's engine took the bytes. The
 * owner's lease is renewed on every instance the client has live children on; {@link #close()} releases
 * them. Futures complete, and handlers run, on the context that started the child, as with the engine.
 *
 * <p><em>Errors:</em> every failure is a {@link io.procbus.api.ProcessException} with a stable
 * {@link io.procbus.api.ErrorCode}: the service's codes as they are, a command without a reply in time as
 * {@code TIMEOUT}, no service at the address as {@code CLOSED}. A child the service gave up (undeployed,
 * lease expired) fails with {@code TERMINATED}; a gap in its event sequence with {@code EVENTS_LOST}; a child
 * whose node sent no heartbeat for {@link ProcessClientOptions#getNodeTimeoutMillis()} with {@code NODE_LOST}
 * (if that node is heard from again, the client kills the child rather than resume control of it).
 *
 * <p><em>Caveats:</em> a child runs on the service's machine: paths, environment and inherited descriptors
 * are the service's. {@link #liveCount()} counts this client's children only. A child's output chunks
 * ({@code stdout()}/{@code stderr()}, {@code pipeDataReceived}) are read-only: they share their bytes with the
 * process's observers, and a write throws {@code ReadOnlyBufferException}. For bytes of your own, copy them
 * ({@code Buffer.buffer(chunk.getBytes())}; Vert.x's {@code copy()} returns a read-only buffer as it is).
 */
public interface ProcessClient extends ProcessEngine {

  /** A client with {@code options}. */
  static ProcessClient create(Vertx vertx, ProcessClientOptions options) {
    return new ProcessClientImpl(vertx, options);
  }

  /** A client of the service at the default prefix, with every default. */
  static ProcessClient create(Vertx vertx) {
    return create(vertx, new ProcessClientOptions());
  }

  /**
   * Runs a process to completion in the service and returns its captured output, like Python's
   * {@code subprocess.run}. The request's owner defaults to this client's. Not bounded by the request
   * timeout: bound it with {@code spawn.timeoutMillis}.
   */
  Future<RunResult> run(RunRequest request);

  /** The service proxy at the configured service address (commands fail with its codes, unmapped). */
  ProcessService service();

  /** The owner id of this client's children. */
  String owner();

  /**
   * Subscribes an observer to the events of a process: any process, this client's or another's, given the
   * {@code eventAddress} of its {@link io.procbus.api.ProcessInfo}. Completes once the subscription is in
   * place (in a cluster, registration completes asynchronously): events published after that are seen, or
   * reported missed. The observer grants no credit and never slows the process; it holds at most
   * {@link ProcessClientOptions#getObserverMaxEvents()} events and
   * {@link ProcessClientOptions#getObserverMaxBytes()} bytes and reports what it dropped (see
   * {@link ProcessObserver}). Its handlers run on the caller's context, as with spawned children.
   *
   * <p>An observer subscribed after the process published events first gets a {@code MISSED} item from
   * {@code seq} 0: the service does not replay. Closing this client closes its observers.
   *
   * <p><em>Errors:</em> {@code INVALID_ARGUMENT} for a null or empty address; {@code CLOSED} once the client
   * is closed; {@code CONNECTION_RESET} when the subscription fails.
   */
  Future<ProcessObserver> observe(String eventAddress);

  /**
   * Refuses new spawns ({@code CLOSED}), stops renewing, releases the owner on every instance it used (the
   * service terminates its children: TERM, grace, KILL) and completes once they are reaped; children still
   * open then fail with {@code TERMINATED}. Its observers are closed. Closing Vert.x closes the client.
   */
  @Override
  Future<Void> close();
}
