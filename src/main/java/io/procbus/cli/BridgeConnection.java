package io.procbus.cli;

import io.procbus.api.ErrorCode;
import io.procbus.protocol.Headers;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A blocking client of a node's TCP event-bus bridge (frames: a 4-byte big-endian length, then UTF-8 JSON; see
 * docs/protocol.md, Bridges). One reader thread completes replies and hands every other frame (events, errors of
 * registrations) to the event handler, in the order they arrive; writes may come from any thread.
 *
 * <p>Plain sockets rather than a Vert.x {@code NetClient}: the CLI starts a JVM per command, and an event loop
 * would cost start time for nothing.
 */
final class BridgeConnection implements AutoCloseable {

  /** Exit status of a failure of procbus itself (cannot connect, bad token, lost connection): as docker's. */
  static final int PROCBUS_FAILED = 125;
  /** How long a command waits for its reply. */
  static final long REPLY_TIMEOUT_MILLIS = 35_000;
  /** How long connecting may take. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final String where;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final AtomicLong replies = new AtomicLong();
  private final CompletableFuture<Void> pong = new CompletableFuture<>();
  private final CompletableFuture<String> lost = new CompletableFuture<>();
  private volatile Consumer<JsonObject> events = f -> { };
  private volatile boolean closing;

  private BridgeConnection(String where, Socket socket) throws IOException {
    this.where = where;
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code host:port} and authenticates with {@code token}.
   *
   * @throws CliException 125 when the node cannot be reached or refuses the token
   */
  static BridgeConnection open(String host, int port, String token, String tokenSource) throws CliException {
    String where = host + ":" + port;
    Socket socket = new Socket();
    BridgeConnection c;
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      c = new BridgeConnection(where, socket);
    } catch (IOException e) {
      closeQuietly(socket);
      String why = e instanceof ConnectException ? "" : " (" + e.getMessage() + ")";
      throw new CliException(PROCBUS_FAILED, "cannot connect to " + where + why + " — is the node running? start it"
        + " with `java -jar target/procbus-*-fat.jar -conf conf/config.json` (or set --host/--port,"
        + " PROCBUS_TCP_HOST/PROCBUS_TCP_PORT)");
    }
    Thread reader = new Thread(c::readLoop, "procbus-bridge-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      c.write(new JsonObject().put("type", "ping").put("headers", new JsonObject()
        .put(Headers.AUTHORIZATION, "Bearer " + token)));
      CompletableFuture.anyOf(c.pong, c.lost).get(REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | IOException | InterruptedException e) {
      // handled below
    }
    if (!c.pong.isDone()) {
      String reason = c.lost.getNow("no answer to the handshake");
      c.close();
      throw new CliException(PROCBUS_FAILED, "the node at " + where + " refused the token from " + tokenSource
        + ": " + reason);
    }
    return c;
  }

  /** Where it is connected, {@code host:port}. */
  String where() {
    return where;
  }

  /** Sets the handler of frames that are not replies (events, errors of registrations), run on the reader thread. */
  void onFrame(Consumer<JsonObject> handler) {
    this.events = handler;
  }

  /** Completes with a description once the connection is lost (never, when closed on purpose). */
  CompletableFuture<String> lost() {
    return lost;
  }

  /**
   * Sends a command ({@code action} with {@code body}) to {@code address}; the future completes with the reply
   * frame: {@code {"type":"message","body":…}} or {@code {"type":"err","failureCode":…,"message":…}}.
   */
  CompletableFuture<JsonObject> request(String address, String action, JsonObject body) {
    String reply = "cli." + replies.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(reply, f);
    try {
      write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", reply)
        .put("headers", new JsonObject().put(Headers.ACTION, action)).put("body", body));
    } catch (IOException e) {
      pending.remove(reply);
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * Sends a command and waits for a successful reply's body.
   *
   * @throws CommandFailed when the node answered with an error frame
   * @throws CliException 125 when the connection is lost or no reply came in time
   */
  Object call(String address, String action, JsonObject body) throws CliException, CommandFailed {
    JsonObject reply;
    try {
      reply = request(address, action, body).get(REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CliException(PROCBUS_FAILED, "no reply from " + where + " to " + action + " within "
        + REPLY_TIMEOUT_MILLIS / 1000 + " s");
    } catch (ExecutionException | InterruptedException e) {
      throw new CliException(PROCBUS_FAILED, "lost the connection to " + where + ": " + lost.getNow(String.valueOf(e)));
    }
    if ("err".equals(reply.getString("type"))) {
      throw new CommandFailed(reply);
    }
    return reply.getValue("body");
  }

  /** Sends a frame without reply (a grant, a registration). */
  void send(JsonObject frame) throws IOException {
    write(frame);
  }

  private void write(JsonObject frame) throws IOException {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[4 + json.length];
    b[0] = (byte) (json.length >>> 24);
    b[1] = (byte) (json.length >>> 16);
    b[2] = (byte) (json.length >>> 8);
    b[3] = (byte) json.length;
    System.arraycopy(json, 0, b, 4, json.length);
    synchronized (out) {
      out.write(b);
      out.flush();
    }
  }

  private void readLoop() {
    String why = "the node closed the connection";
    try {
      while (true) {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        JsonObject f = new JsonObject(new String(b, StandardCharsets.UTF_8));
        String type = f.getString("type");
        CompletableFuture<JsonObject> reply = f.getString("address") == null ? null : pending.remove(f.getString("address"));
        if (reply != null) {
          reply.complete(f);
        } else if ("pong".equals(type)) {
          pong.complete(null);
        } else if ("err".equals(type) && Integer.valueOf(ErrorCode.UNAUTHENTICATED.code())
          .equals(f.getInteger("failureCode"))) {
          why = f.getString("message");
          break;
        } else {
          events.accept(f);
        }
      }
    } catch (EOFException e) {
      // why stays
    } catch (IOException | RuntimeException e) {
      why = String.valueOf(e.getMessage());
    }
    if (!closing) {
      lost.complete(why);
    }
    IOException failed = new IOException(why);
    pending.values().forEach(p -> p.completeExceptionally(failed));
    pending.clear();
    closeQuietly(socket);
  }

  @Override
  public void close() {
    closing = true;
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** The node answered a command with an error frame. */
  static final class CommandFailed extends Exception {

    private final int code;

    CommandFailed(JsonObject err) {
      super(String.valueOf(err.getString("message")), null, false, false);
      Integer c = err.getInteger("failureCode");
      this.code = c == null ? ErrorCode.INTERNAL.code() : c;
    }

    /** The error's {@code failureCode}. */
    int code() {
      return code;
    }

    /** Whether it is {@code error}. */
    boolean is(ErrorCode error) {
      return code == error.code();
    }
  }
}
