package io.procbus.bridge;

import io.procbus.config.EndpointOptions;
import io.procbus.config.ProcbusOptions;
import io.procbus.console.Console;
import io.procbus.policy.NodeTrust;
import io.procbus.policy.ServiceGuard;
import io.procbus.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The bridges of a node: the TCP event-bus bridge and the SockJS bridge (under {@link Addresses#SOCKJS_PATH}),
 * each on when enabled in {@code bridges}, both speaking the Vert.x event-bus bridge frames through one
 * {@link Edge} (authentication, permitted addresses, ownership, JSON events).
 *
 * <p>The TCP side is our own server speaking {@code vertx-tcp-eventbus-bridge}'s wire format (4-byte length,
 * JSON), because that library (5.0.7) has no hook on outbound messages (so no JSON form of chunks, no reply
 * filtering), no frame size limit, no back-pressure on writes to a client that does not read, and throws on an
 * unknown frame type ({@link TcpConnections}). The SockJS side is vertx-web's {@code SockJSHandler} with our
 * socket handler ({@link SockJsConnections}).
 *
 * <p>Without a token file no connection authenticates; without a policy every command is {@code DENIED}.
 * Once started it logs, and prints on standard output, {@code procbus: tcp bridge on <host>:<port>} and
 * {@code procbus: sockjs bridge on http://<host>:<port>/eventbus}; the ports are also {@link #tcpPort()} and
 * {@link #sockJsPort()}.
 *
 * <p>The SockJS listener also serves the browser {@link Console} at {@code /}.
 */
public class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(BridgeVerticle.class.getName());

  /**
   * The largest frame accepted, in bytes of UTF-8 JSON: 4 MiB, a TCP frame's length or a SockJS message (the
   * JSON the client passed to SockJS's {@code send}). A larger one gets {@code PAYLOAD_TOO_LARGE}, then the close.
   */
  public static final int MAX_FRAME_BYTES = 4 << 20;
  /**
   * What the WebSocket and xhr transports under the SockJS bridge accept (one frame, one message, one xhr body):
   * twice {@link #MAX_FRAME_BYTES} plus 64 KiB, because SockJS sends each message inside a JSON string, escaping
   * its quotes. Every message up to the bound fits, and one just above it reaches the bridge, which answers it;
   * Vert.x's default, 64 KiB per WebSocket frame, closed the connection (1006) under the official client, which
   * sends each message as one frame (issue 10).
   */
  static final int SOCKJS_TRANSPORT_BYTES = 2 * MAX_FRAME_BYTES + (64 << 10);
  /** Bytes queued for a client before it counts as not reading and is disconnected: 8 MiB. */
  public static final int MAX_WRITE_QUEUE_BYTES = 8 << 20;
  /** Time a connection has to authenticate before it is closed. */
  public static final long AUTH_TIMEOUT_MILLIS = 10_000;
  /** How long a TCP connection being closed waits for its client to close, its input read and dropped. */
  static final long CLOSE_LINGER_MILLIS = 2_000;

  private Edge edge;
  private NodeTrust trust;
  private NetServer tcp;
  private HttpServer http;
  private volatile int tcpPort = -1;
  private volatile int sockJsPort = -1;

  @Override
  public Future<?> start() {
    ProcbusOptions options;
    try {
      options = ProcbusOptions.fromConfig(config());
      trust = NodeTrust.acquire(vertx, options); // the node's files, read once with its service
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (options.getAuth().getTokenFile() == null) {
      LOG.warning("bridges: no auth.tokenFile: every connection will be refused (UNAUTHENTICATED)");
    }
    if (trust.policy() == null) {
      LOG.warning("bridges: no policy.policyFile: every command will be refused (DENIED)");
    }
    if (vertx.isClustered() && !trust.key().shared()) {
      LOG.warning("bridges: clustered without cluster.admissionKeyFile: what they admit runs on this node only");
    }
    String node = options.getCluster().getNode() != null ? options.getCluster().getNode()
      : options.getInstance() != null ? options.getInstance() : "bridge";
    edge = new Edge(vertx, new Addresses(options.getPrefix()), new ServiceGuard(trust, node));
    List<Future<?>> started = new ArrayList<>();
    EndpointOptions t = options.getBridges().getTcp();
    if (t.isEnabled()) {
      tcp = vertx.createNetServer(new NetServerOptions()).connectHandler(new TcpConnections(vertx, edge));
      started.add(tcp.listen(t.getPort(), t.getHost()).onSuccess(s -> {
        tcpPort = s.actualPort();
        announce("procbus: tcp bridge on " + t.getHost() + ":" + tcpPort);
      }));
    }
    EndpointOptions w = options.getBridges().getSockjs();
    if (w.isEnabled()) {
      Router router = Router.router(vertx);
      String path = Addresses.SOCKJS_PATH + "/*";
      // the xhr transports POST frames: without a BodyHandler they fail with 500
      router.post(path).handler(BodyHandler.create().setBodyLimit(SOCKJS_TRANSPORT_BYTES));
      router.route(path).subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions())
        .socketHandler(new SockJsConnections(edge)));
      Console.mount(router, options.getPrefix());
      http = vertx.createHttpServer(new HttpServerOptions()
          .setMaxWebSocketFrameSize(SOCKJS_TRANSPORT_BYTES).setMaxWebSocketMessageSize(SOCKJS_TRANSPORT_BYTES))
        .requestHandler(router);
      started.add(http.listen(w.getPort(), w.getHost()).onSuccess(s -> {
        sockJsPort = s.actualPort();
        announce("procbus: sockjs bridge on http://" + w.getHost() + ":" + sockJsPort + Addresses.SOCKJS_PATH);
      }));
    }
    // a failed start is not stopped: close what listens and give the trust back
    return Future.all(started).recover(e -> stop().transform(v -> Future.failedFuture(e)));
  }

  private static void announce(String line) {
    LOG.info(line);
    System.out.println(line);
    System.out.flush();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    if (tcp != null) {
      closed.add(tcp.close());
    }
    if (http != null) {
      closed.add(http.close());
    }
    return Future.join(closed).eventually(() -> trust == null ? Future.succeededFuture() : trust.release(vertx));
  }

  /** The TCP bridge's bound port, or -1 when it is off or not started. */
  public int tcpPort() {
    return tcpPort;
  }

  /** The SockJS bridge's bound port, or -1 when it is off or not started. */
  public int sockJsPort() {
    return sockJsPort;
  }

  /** Event addresses that bridge connections are registered to, read on the bridge's context (for tests). */
  Future<Integer> registeredAddresses() {
    Promise<Integer> p = Promise.promise();
    context.runOnContext(v -> p.complete(edge.fanoutCount()));
    return p.future();
  }
}
