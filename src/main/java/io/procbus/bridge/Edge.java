package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.api.SpawnRequest;
import io.procbus.auth.Principal;
import io.procbus.auth.TokenStore;
import io.procbus.ops.ServiceMonitor;
import io.procbus.policy.CommandPolicy;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.Control;
import io.procbus.protocol.Headers;
import io.procbus.verticle.RequestValidator;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * What both bridges do with a frame, once their transport decoded it: authenticate the connection, allow only
 * the procbus addresses, stamp the principal as the owner of every command, admit every spawn and run against
 * the node's policy and seal it (the node that runs it checks the seal, not its own policy), keep a principal to
 * its own processes (unless a policy role sees all), forward to the service, and deliver events in JSON form.
 *
 * <p>Frames are those of the Vert.x event-bus bridges: {@code ping}, {@code send}, {@code register},
 * {@code unregister} ({@code publish} is refused). Runs on the bridge verticle's context.
 */
final class Edge {

  private static final Logger LOG = Logger.getLogger(Edge.class.getName());

  /** Requests a connection may have in flight. */
  static final int MAX_IN_FLIGHT = 64;
  /** Event addresses a connection may register. */
  static final int MAX_REGISTRATIONS = 256;
  /** Process owners remembered (id → owner), to check commands without asking the service each time. */
  static final int OWNER_CACHE = 10_000;
  /** Reply timeout of a command. */
  static final long COMMAND_TIMEOUT_MILLIS = 30_000;
  /** Reply timeout of a command that waits for the child ({@code run}, {@code writeStdin}, {@code closeStdin}). */
  static final long CHILD_TIMEOUT_MILLIS = 3_600_000;

  private static final Set<String> ACTIONS = Set.of("spawn", "run", "writeStdin", "closeStdin", "closePipe",
    "closeProcess", "signal", "info", "replay", "list", "nodes", "renewLease", "release");
  private static final String BEARER = "Bearer ";
  /** A held frame that did not parse (the queue takes no null). */
  private static final Object NOT_JSON = new Object();

  private final Vertx vertx;
  private final ServiceMonitor monitor;
  private final Addresses addresses;
  private final TokenStore tokens;
  private final CommandPolicy policy;
  private final ServiceGuard guard;
  private final Pattern instanceAddress;
  private final Pattern controlAddress;
  private final Pattern processAddress;
  private final Map<String, Fanout> fanouts = new HashMap<>();
  private final Map<String, String> owners = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > OWNER_CACHE;
    }
  };

  /** One bus consumer per event address, shared by the connections registered to it. */
  private static final class Fanout {
    MessageConsumer<Object> consumer;
    /** Completes once the consumer is registered, cluster-wide on a clustered bus. */
    Future<Void> ready;
    final Set<EdgeSession> sessions = new LinkedHashSet<>();
  }

  Edge(Vertx vertx, Addresses addresses, ServiceGuard guard) {
    this.vertx = vertx;
    this.monitor = ServiceMonitor.of(vertx);
    this.addresses = addresses;
    this.guard = guard;
    this.tokens = guard.tokens();
    this.policy = guard.policy();
    String segment = "[A-Za-z0-9_-]+";
    this.instanceAddress = Pattern.compile(Pattern.quote(addresses.instance("")) + segment);
    this.controlAddress = Pattern.compile(Pattern.quote(addresses.instance("")) + segment
      + Pattern.quote("." + Addresses.CONTROL));
    this.processAddress = Pattern.compile(Pattern.quote(addresses.process("")) + "([0-9a-fA-F-]{1,64})");
  }

  /** Handles one decoded frame ({@code null} or a non-object: a malformed frame). */
  void frame(EdgeSession s, Object decoded) {
    if (s.closed) {
      return;
    }
    if (s.holding) {
      s.held.add(decoded == null ? NOT_JSON : decoded);
      return;
    }
    if (!(decoded instanceof JsonObject f)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "a frame is a JSON object"));
      return;
    }
    Object type = f.getValue("type");
    Object headers = f.getValue("headers");
    if (headers != null && !stringValues(headers)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "headers must be an object of strings"));
      return;
    }
    if (!authenticate(s, (JsonObject) headers)) {
      return;
    }
    if ("ping".equals(type)) {
      s.pong();
      return;
    }
    if (s.principal == null) {
      refuse(s, f, "send a valid token in the " + Headers.AUTHORIZATION + " header first");
      return;
    }
    if (!(type instanceof String)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "type must be a string"));
      return;
    }
    if (!(f.getValue("address") instanceof String address)) {
      s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "address must be a string"));
      return;
    }
    switch ((String) type) {
      case "send" -> send(s, f, address, (JsonObject) headers);
      case "register" -> register(s, address);
      case "unregister" -> unregister(s, address);
      case "publish" -> deny(s, address, "publish is not permitted");
      default -> s.write(BridgeFrames.error(null, ErrorCode.MALFORMED, "unknown frame type"));
    }
  }

  /** Forgets a closed connection: its registrations go. */
  void closed(EdgeSession s) {
    s.closed = true;
    for (String address : s.registrations) {
      leave(s, address);
    }
    s.registrations.clear();
  }

  // --- authentication

  private boolean authenticate(EdgeSession s, JsonObject headers) {
    String auth = headers == null ? null : headers.getString(Headers.AUTHORIZATION);
    if (auth == null) {
      return true;
    }
    if (!auth.startsWith(BEARER)) {
      refuseAndClose(s, "the " + Headers.AUTHORIZATION + " header is \"" + BEARER + "<token>\": the \"" + BEARER
        + "\" prefix is missing");
      return false;
    }
    Principal p = tokens.authenticate(auth.substring(BEARER.length()));
    if (p == null) {
      refuseAndClose(s, "the token is not valid");
      return false;
    }
    if (s.principal != null && !s.principal.equals(p)) {
      refuseAndClose(s, "a connection has one principal");
      return false;
    }
    if (s.principal == null) {
      LOG.log(Level.FINE, "{0} authenticated as {1}", new Object[] {s.describe(), p.name()});
    }
    s.principal = p;
    return true;
  }

  private void refuse(EdgeSession s, JsonObject f, String message) {
    Object reply = f.getValue("replyAddress");
    s.write(BridgeFrames.error(reply instanceof String r ? r : null, ErrorCode.UNAUTHENTICATED, message));
    s.closeConnection();
  }

  private void refuseAndClose(EdgeSession s, String message) {
    s.write(BridgeFrames.error(null, ErrorCode.UNAUTHENTICATED, message));
    s.closeConnection();
  }

  // --- commands and grants

  private void send(EdgeSession s, JsonObject f, String address, JsonObject headers) {
    Object body = f.getValue("body");
    if (controlAddress.matcher(address).matches()) {
      grant(s, address, body);
      return;
    }
    if (!address.equals(addresses.service()) && !instanceAddress.matcher(address).matches()) {
      deny(s, address, "address " + clip(address) + " is not permitted");
      return;
    }
    if (!(f.getValue("replyAddress") instanceof String reply)) {
      s.write(BridgeFrames.error(address, ErrorCode.MALFORMED, "a command needs a replyAddress"));
      return;
    }
    String action = headers == null ? null : headers.getString(Headers.ACTION);
    if (action == null || !ACTIONS.contains(action)) {
      s.write(BridgeFrames.error(reply, ErrorCode.MALFORMED, "unknown action " + clip(String.valueOf(action))));
      return;
    }
    if (!(body instanceof JsonObject command)) {
      s.write(BridgeFrames.error(reply, ErrorCode.MALFORMED, "the body of a command is a JSON object"));
      return;
    }
    if (policy == null) {
      s.write(BridgeFrames.failure(reply, address, ServiceGuard.noPolicy()));
      return;
    }
    if (s.inFlight >= MAX_IN_FLIGHT) {
      s.write(BridgeFrames.error(reply, ErrorCode.LIMIT_REACHED, MAX_IN_FLIGHT + " requests are in flight"));
      return;
    }
    String me = s.principal.name();
    switch (action) {
      case "spawn" -> {
        stamp(command, "request", me);
        if (!admit(s, address, reply, action, command, command, "request")) {
          return;
        }
      }
      case "run" -> {
        JsonObject run = command.getValue("request") instanceof JsonObject r ? r : null;
        stamp(run, "spawn", me);
        if (!admit(s, address, reply, action, command, run, "spawn")) {
          return;
        }
      }
      case "renewLease", "release" -> command.put("owner", me);
      case "list" -> {
        request(s, address, reply, action, command).onSuccess(m -> {
          JsonArray mine = new JsonArray();
          if (m.body() instanceof JsonArray all) {
            for (Object o : all) {
              if (o instanceof JsonObject info && visible(s, info.getString("owner"))) {
                mine.add(info);
              }
            }
          }
          s.write(BridgeFrames.reply(s, reply, mine));
        });
        return;
      }
      default -> {
        // a command about one process: only its owner (or a role that sees all) may send it
        if (!(command.getValue("id") instanceof String id)) {
          break; // the service answers MALFORMED
        }
        ownerOf(address, id, "info".equals(action)).onComplete(ar -> {
          if (s.closed) {
            return;
          }
          if (ar.failed()) {
            s.write(BridgeFrames.failure(reply, address, ar.cause()));
          } else if (!visible(s, ar.result().getString("owner"))) {
            s.write(BridgeFrames.error(reply, ErrorCode.NOT_OWNER, "process " + id + " is not owned by " + me));
          } else if ("info".equals(action)) {
            s.write(BridgeFrames.reply(s, reply, ar.result()));
          } else {
            command.put("owner", ar.result().getString("owner"));
            forward(s, address, reply, action, command);
          }
        });
        return;
      }
    }
    forward(s, address, reply, action, command);
  }

  /**
   * Admits the spawn request at {@code holder.field} (if there is one: else the service refuses the command) and
   * replaces it with its sealed form; on a denial or a malformed command, writes the failure and gives false.
   */
  private boolean admit(EdgeSession s, String address, String reply, String action, JsonObject command,
                        JsonObject holder, String field) {
    String problem = RequestValidator.check(action, command);
    if (problem != null) {
      s.write(BridgeFrames.error(reply, ErrorCode.MALFORMED, problem));
      return false;
    }
    if (holder == null || !(holder.getValue(field) instanceof JsonObject request)) {
      return true;
    }
    try {
      if (request.getValue("admission") != null) {
        throw CommandPolicy.deny("admission", "a bridge client may not send an admission: the bridge admits");
      }
      holder.put(field, guard.admitAtEdge(s.principal, new SpawnRequest(request)).toJson());
      return true;
    } catch (ServiceException e) {
      monitor.denied(s.principal.name(), action, e.getMessage());
      s.write(BridgeFrames.failure(reply, address, e));
      return false;
    }
  }

  /** Sets {@code owner} in {@code holder.field}, when it is an object (else the service answers MALFORMED). */
  private static void stamp(JsonObject holder, String field, String owner) {
    if (holder != null && holder.getValue(field) instanceof JsonObject request) {
      request.put("owner", owner);
    }
  }

  private void forward(EdgeSession s, String address, String reply, String action, JsonObject command) {
    request(s, address, reply, action, command).onSuccess(m -> {
      if (m.body() instanceof JsonObject info && ("spawn".equals(action))) {
        remember(info);
      }
      s.write(BridgeFrames.reply(s, reply, m.body()));
    });
  }

  /** Sends a command; a failure is written to the connection, a success is the caller's to write. */
  private Future<Message<Object>> request(EdgeSession s, String address, String reply, String action,
                                          JsonObject command) {
    long timeout = Set.of("run", "writeStdin", "closeStdin").contains(action) ? CHILD_TIMEOUT_MILLIS
      : COMMAND_TIMEOUT_MILLIS;
    s.inFlight++;
    return vertx.eventBus().request(address, command, new DeliveryOptions().addHeader(Headers.ACTION, action)
        .addHeader(Headers.ORIGIN, Headers.ORIGIN_BRIDGE).setSendTimeout(timeout))
      .andThen(ar -> {
        s.inFlight--;
        if (ar.failed() && !s.closed) {
          s.write(BridgeFrames.failure(reply, address, ar.cause()));
        }
      })
      .transform(ar -> ar.succeeded() && !s.closed ? Future.succeededFuture(ar.result())
        : Future.failedFuture("not delivered"));
  }

  /** The owner of {@code id} ({@code {"id":…,"owner":…}}) from the cache, or its whole {@code ProcessInfo}. */
  private Future<JsonObject> ownerOf(String address, String id, boolean full) {
    String owner = full ? null : owners.get(id);
    if (owner != null) {
      return Future.succeededFuture(new JsonObject().put("id", id).put("owner", owner.isEmpty() ? null : owner));
    }
    return info(address, id);
  }

  private Future<JsonObject> info(String address, String id) {
    return vertx.eventBus().<Object>request(address, new JsonObject().put("id", id),
        new DeliveryOptions().addHeader(Headers.ACTION, "info").setSendTimeout(COMMAND_TIMEOUT_MILLIS))
      .compose(m -> {
        if (m.body() instanceof JsonObject info) {
          remember(info);
          return Future.succeededFuture(info);
        }
        return Future.failedFuture("info of " + id + " is not an object");
      });
  }

  private void remember(JsonObject info) {
    Object id = info.getValue("id");
    if (id instanceof String i) {
      String owner = info.getString("owner");
      owners.put(i, owner == null ? "" : owner);
    }
  }

  /** Whether the connection's principal may see and command a process of {@code owner}. */
  private boolean visible(EdgeSession s, String owner) {
    return s.principal.name().equals(owner) || policy.seesAll(s.principal);
  }

  private void grant(EdgeSession s, String address, Object body) {
    if (policy == null || !(body instanceof JsonObject g) || !(g.getValue(Control.ID) instanceof String id)) {
      return; // grants are never answered; the service ignores malformed ones too
    }
    String owner = owners.get(id);
    g.put(Control.OWNER, owner != null && visible(s, owner) ? owner : s.principal.name());
    vertx.eventBus().send(address, g);
  }

  /** Refuses a frame with {@code DENIED}, counted as a denied request. */
  private void deny(EdgeSession s, String address, String message) {
    monitor.denied(s.principal == null ? null : s.principal.name(), "bridge", message);
    s.write(BridgeFrames.error(address, ErrorCode.DENIED, message));
  }

  // --- events

  private void register(EdgeSession s, String address) {
    var m = processAddress.matcher(address);
    if (!m.matches()) {
      deny(s, address, "address " + clip(address) + " is not permitted");
      return;
    }
    if (policy == null) {
      s.write(BridgeFrames.failure(address, address, ServiceGuard.noPolicy()));
      return;
    }
    if (s.registrations.contains(address)) {
      return;
    }
    if (s.registrations.size() >= MAX_REGISTRATIONS) {
      s.write(BridgeFrames.error(address, ErrorCode.LIMIT_REACHED, MAX_REGISTRATIONS + " registrations"));
      return;
    }
    String id = m.group(1);
    // frames are handled in order: the ones after a register wait for it (its owner lookup may ask the
    // service, and on a clustered bus the subscription reaches the other nodes asynchronously), so that a grant
    // sent right after it cannot publish events before the registration is in place
    s.holding = true;
    s.reading(false);
    ownerOf(addresses.service(), id, false).transform(ar -> registered(s, address, id, ar)).onComplete(done -> {
      s.holding = false;
      s.reading(true);
      while (!s.holding && !s.held.isEmpty() && !s.closed) {
        Object next = s.held.poll();
        frame(s, next == NOT_JSON ? null : next);
      }
    });
  }

  /**
   * Completes a registration once the process's owner is known; the future completes when the subscription is in
   * place. Registrations are never acknowledged.
   */
  private Future<Void> registered(EdgeSession s, String address, String id, AsyncResult<JsonObject> ar) {
    if (s.closed) {
      return Future.succeededFuture();
    }
    if (ar.failed()) {
      s.write(BridgeFrames.failure(address, address, ar.cause()));
    } else if (!visible(s, ar.result().getString("owner"))) {
      s.write(BridgeFrames.error(address, ErrorCode.NOT_OWNER, "process " + id + " is not owned by "
        + s.principal.name()));
    } else if (s.registrations.add(address)) {
      return join(s, address);
    }
    return Future.succeededFuture();
  }

  private void unregister(EdgeSession s, String address) {
    if (!s.registrations.remove(address)) {
      s.write(BridgeFrames.error(address, ErrorCode.INVALID_ARGUMENT, "not registered"));
      return;
    }
    leave(s, address);
  }

  /** Adds {@code s} to the address's fan-out; completes when the bus consumer is registered. */
  private Future<Void> join(EdgeSession s, String address) {
    Fanout f = fanouts.computeIfAbsent(address, a -> {
      Fanout created = new Fanout();
      created.consumer = vertx.eventBus().consumer(a, msg -> deliver(created, msg));
      created.ready = created.consumer.completion().otherwiseEmpty();
      return created;
    });
    f.sessions.add(s);
    return f.ready;
  }

  private void leave(EdgeSession s, String address) {
    Fanout f = fanouts.get(address);
    if (f != null && f.sessions.remove(s) && f.sessions.isEmpty()) {
      fanouts.remove(address);
      f.consumer.unregister();
    }
  }

  /** One event to every connection registered: converted to JSON once, written unless a client stopped reading. */
  private void deliver(Fanout f, Message<Object> msg) {
    Object body = BridgeFrames.jsonBody(msg);
    for (EdgeSession s : f.sessions.toArray(new EdgeSession[0])) {
      if (s.closed) {
        continue;
      }
      if (s.writeQueueFull()) {
        LOG.log(Level.INFO, "{0} does not read its events: closed", s.describe());
        s.abortConnection();
        closed(s); // its registrations go now: the close may take a while to be noticed
        continue;
      }
      s.write(BridgeFrames.event(s, msg, body));
    }
  }

  private static boolean stringValues(Object headers) {
    if (!(headers instanceof JsonObject h)) {
      return false;
    }
    for (Map.Entry<String, Object> e : h) {
      if (!(e.getValue() instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }

  /** Connections registered to events, for tests and diagnostics. */
  int fanoutCount() {
    return fanouts.size();
  }
}
