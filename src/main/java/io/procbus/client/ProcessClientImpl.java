package io.procbus.client;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.api.StdioMode;
import io.procbus.api.SubprocessProtocol;
import io.procbus.api.SubprocessTransport;
import io.procbus.streams.AbstractProcessEngine;
import io.procbus.streams.ChildContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@link ProcessClient}: spawns through the service proxy, then hands each child to a
 * {@link RemoteTransport} bound to the caller's context (the rule of the in-JVM engine: an event-loop context
 * as it is, a worker's event loop, or a new event-loop context for a thread outside Vert.x).
 *
 * <p>Where commands go is the {@link Routes}' business, keeping children alive the {@link Leases}', giving them
 * up when their node is lost the {@link NodeLoss}', and observers the {@link Observers}'; this class spawns,
 * runs and closes. Children live on many contexts, so the tables are concurrent; the lease timer and the node
 * watch run on the client's own context.
 */
final class ProcessClientImpl extends AbstractProcessEngine implements ProcessClient {

  /**
   * One service instance this client has used: its proxies, and how many of its children are not finished
   * (the lease is renewed while any is: a child that exited may still have a grandchild writing to its pipe).
   */
  record Instance(String address, ProcessService commands, ProcessService streams, AtomicInteger open) {
  }

  private final VertxInternal vertx;
  private final ProcessClientOptions options;
  private final String owner;
  private final Routes routes;
  private final Children children = new Children();
  private final Leases leases;
  private final NodeLoss nodeLoss;
  private final Observers observers;
  /** The client's own event addresses (protocol version 2), or {@code null}: a subscription per child. */
  private final EventRouters routers;
  private final GrantBatches grants;

  ProcessClientImpl(Vertx vertx, ProcessClientOptions options) {
    super((VertxInternal) vertx);
    if (options.getWindow() < 1 || options.getLeaseRenewMillis() < 0 || options.getRequestTimeoutMillis() < 1
      || options.getNodeTimeoutMillis() < 0
      || options.getObserverMaxEvents() < 1 || options.getObserverMaxBytes() < 1) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "window, requestTimeoutMillis, observerMaxEvents and "
        + "observerMaxBytes must be positive, leaseRenewMillis and nodeTimeoutMillis 0 or more: " + options);
    }
    this.vertx = (VertxInternal) vertx;
    this.options = new ProcessClientOptions(options);
    this.owner = options.getOwner() != null ? options.getOwner() : UUID.randomUUID().toString();
    this.routes = new Routes(this.vertx, this.options);
    ContextInternal clientContext = this.vertx.createEventLoopContext();
    this.nodeLoss = new NodeLoss(this.vertx, clientContext, this.options, routes, children, owner);
    this.leases = new Leases(this.vertx, clientContext, options.getLeaseRenewMillis(), routes, owner, nodeLoss::gone);
    this.observers = new Observers(this.vertx, this.options, routes, this::isClosed);
    boolean clientEvents = options.getClientEvents() != null ? options.getClientEvents() : vertx.isClustered();
    this.routers = clientEvents ? new EventRouters(this.vertx, this.options.getPrefix()) : null;
    this.grants = new GrantBatches(this.vertx.eventBus(), owner);
    this.vertx.addCloseHook(this);
  }

  VertxInternal vertx() {
    return vertx;
  }

  ProcessClientOptions options() {
    return options;
  }

  /** The grants to services of protocol version 2, batched. */
  GrantBatches grants() {
    return grants;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public ProcessService service() {
    return routes.service();
  }

  // --- spawning

  @Override
  protected <T> Future<T> start(Command command, ProcessOptions options, StdioMode defaultMode,
                                Function<Spawn, Future<T>> starter) {
    return onBoundContext("spawn", bound -> {
      SpawnRequest request = request(command, options, defaultMode);
      return starter.apply(protocol -> spawn(bound, protocol, request));
    });
  }

  /**
   * Validates what JSON cannot carry faithfully (nulls inside lists and maps; the rest is the service's to
   * check) and builds the spawn request, unset streams in {@code defaultMode}.
   */
  private SpawnRequest request(Command command, ProcessOptions options, StdioMode defaultMode) {
    if (options == null) {
      throw invalid("options must not be null");
    }
    SpawnRequest request = new SpawnRequest().setOwner(owner).setNode(this.options.getNode());
    if (!command.isShell()) {
      if (command.argv() == null || command.argv().isEmpty()) {
        throw invalid("argv must name a program");
      }
      for (String arg : command.argv()) {
        if (arg == null) {
          throw invalid("argument must not be null");
        }
      }
      request.setCommand(command.argv());
    } else if (command.shell() == null) {
      throw invalid("command must not be null");
    } else {
      request.setShell(command.shell());
    }
    options.getEnv().forEach((name, value) -> {
      if (name == null || value == null) {
        throw invalid("environment names and values must not be null");
      }
    });
    if (!options.passFds().isEmpty()) {
      throw invalid("passFds is for the in-JVM engine only: a descriptor means nothing to the service's process");
    }
    ProcessOptions sent = new ProcessOptions(options);
    if (sent.getTerminal() == null) { // a terminal child's streams are its terminal: sent unset, as given
      sent.setStdin(withDefault(sent.getStdin(), defaultMode));
      sent.setStdout(withDefault(sent.getStdout(), defaultMode));
      sent.setStderr(withDefault(sent.getStderr(), defaultMode));
    }
    return request.setOptions(sent);
  }

  private static Stdio withDefault(Stdio stdio, StdioMode mode) {
    return stdio == null || stdio.getMode() == null ? new Stdio().setMode(mode) : stdio;
  }

  /**
   * On the bound context: the spawn command, then the transport's subscription and attach. With the client's own
   * event address the request names it; a service of protocol version 1 refuses the field, and the spawn is sent
   * again without it.
   */
  private Future<SubprocessTransport> spawn(ChildContext bound, SubprocessProtocol protocol, SpawnRequest request) {
    if (routers == null) {
      return spawn(bound, protocol, request, null);
    }
    EventRouter router = routers.of(bound.context());
    return router.ready().transform(ar -> ar.failed()
      ? Future.failedFuture(new ProcessException(ErrorCode.CONNECTION_RESET, "cannot subscribe to "
        + router.address() + ": " + ar.cause()))
      : spawn(bound, protocol, new SpawnRequest(request).setEventAddress(router.address()), router)
        .recover(e -> refusedByVersion1(e) ? spawn(bound, protocol, request, null) : Future.failedFuture(e)));
  }

  /** A service of protocol version 1 refuses {@code eventAddress} as an unknown field (and starts nothing). */
  private static boolean refusedByVersion1(Throwable e) {
    return e instanceof ProcessException pe && pe.code() == ErrorCode.MALFORMED
      && String.valueOf(pe.getMessage()).contains("unknown field 'eventAddress'");
  }

  private Future<SubprocessTransport> spawn(ChildContext bound, SubprocessProtocol protocol, SpawnRequest request,
                                            EventRouter router) {
    return routes.send(request.getNode(), options.getRequestTimeoutMillis(), service -> service.spawn(request))
      .compose(info -> {
        Instance instance = routes.instance(info.getServiceAddress());
        nodeLoss.seen(info.getServiceAddress());
        if (isClosed()) {
          instance.commands().closeProcess(info.getId(), owner);
          return Future.failedFuture(closedFailure());
        }
        RemoteTransport transport = new RemoteTransport(this, bound, protocol, info, instance, router);
        children.add(transport);
        return transport.start();
      });
  }

  @Override
  public Future<RunResult> run(RunRequest request) {
    return onBoundContext("run", bound -> {
      if (request == null || request.getSpawn() == null) {
        throw invalid("request and request.spawn are required");
      }
      RunRequest sent = new RunRequest(request.toJson());
      if (sent.getSpawn().getOwner() == null && !sent.getSpawn().isDetached()) {
        sent.getSpawn().setOwner(owner);
      }
      if (sent.getSpawn().getNode() == null) {
        sent.getSpawn().setNode(options.getNode());
      }
      return routes.send(sent.getSpawn().getNode(), Routes.UNBOUNDED_MILLIS, service -> service.run(sent));
    });
  }

  @Override
  public Future<ProcessObserver> observe(String eventAddress) {
    return onBoundContext("observe", bound -> observers.observe(bound, eventAddress));
  }

  /**
   * Binds a context (as a child's) and runs {@code action} on it, later: fails with {@code CLOSED} once the
   * client is closed, and a {@link ProcessException} that {@code action} throws fails the future.
   */
  private <T> Future<T> onBoundContext(String what, Function<ChildContext, Future<T>> action) {
    ChildContext bound = ChildContext.bind(vertx);
    ContextInternal context = bound.context();
    Promise<T> result = context.promise();
    context.runOnContext(v -> {
      try {
        if (isClosed()) {
          throw closedFailure();
        }
        action.apply(bound).onComplete(result);
      } catch (ProcessException e) {
        result.fail(e);
      } catch (RuntimeException e) {
        result.fail(new ProcessException(ErrorCode.INTERNAL, what + " failed: " + e));
      }
    });
    return result.future();
  }

  // --- bookkeeping, from the transports' contexts

  /** The child exited (or was given up): it no longer counts as live. */
  void exited(RemoteTransport transport) {
    children.exited(transport);
  }

  /** The child is finished: nothing more will come for it, and its instance's lease need not be renewed for it. */
  void forget(RemoteTransport transport) {
    children.forget(transport);
  }

  @Override
  public int liveCount() {
    return children.liveCount();
  }

  // --- close

  /**
   * Stops watching nodes, closes the observers, releases the owner on every instance; once all that is done,
   * fails the children still open with {@code TERMINATED}.
   */
  @Override
  protected void closeOnce(Promise<Void> done) {
    List<Future<Void>> released = new ArrayList<>();
    released.add(nodeLoss.close());
    released.addAll(observers.closeAll());
    released.addAll(leases.releaseAll());
    Future.join(released).onComplete(ar -> {
      children.failAll(new ProcessException(ErrorCode.TERMINATED, "the process client was closed"));
      if (routers != null) {
        routers.close().onComplete(v -> done.complete());
      } else {
        done.complete();
      }
    });
  }

  // --- errors

  static ProcessException closedFailure() {
    return new ProcessException(ErrorCode.CLOSED, "the process client is closed");
  }

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
