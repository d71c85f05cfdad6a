package io.procbus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw, blocking TCP bridge client for tests (frames: 4-byte big-endian length + UTF-8 JSON), able to send
 * what a well-behaved client never would. Reads time out after 20 s.
 */
public final class TcpBridgeClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int replies;

  /** Connects to the bridge on 127.0.0.1:{@code port}. */
  public TcpBridgeClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Connects and authenticates with {@code token} (a {@code ping} answered by {@code pong}). */
  public static TcpBridgeClient authenticated(int port, String token) throws IOException {
    TcpBridgeClient t = new TcpBridgeClient(port);
    t.frame(new JsonObject().put("type", "ping").put("headers", new JsonObject()
      .put("authorization", "Bearer " + token)));
    assertEquals("pong", t.read().getString("type"));
    return t;
  }

  /** Writes bytes as they are. */
  public void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes one frame: a JSON object, or any text as the frame's content. */
  public void frame(Object json) throws IOException {
    byte[] b = (json instanceof JsonObject o ? o.encode() : String.valueOf(json)).getBytes(StandardCharsets.UTF_8);
    raw(Buffer.buffer().appendInt(b.length).appendBytes(b).getBytes());
  }

  /** Reads one frame. */
  public JsonObject read() throws IOException {
    int n = in.readInt();
    byte[] b = new byte[n];
    in.readFully(b);
    return new JsonObject(new String(b, StandardCharsets.UTF_8));
  }

  /** Sends a command and gives its reply (or error) frame. */
  public JsonObject command(String address, String action, JsonObject body) throws IOException {
    String reply = "r" + replies++;
    frame(new JsonObject().put("type", "send").put("address", address).put("replyAddress", reply)
      .put("headers", new JsonObject().put("action", action)).put("body", body));
    JsonObject f = read();
    assertEquals(reply, f.getString("address"), "reply to " + action + ": " + f);
    return f;
  }

  /** Whether the server closed the connection (reads to the end, 20 s at most). */
  public boolean closedByServer() throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
