package io.procbus.cli;

import io.procbus.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The hidden {@value #OPTION} run of {@code bin/procbus}, from which the script dumps the CLI's class-data-sharing
 * archive: a {@code procbus run -- true} against a stand-in bridge on a loopback port of this JVM (it answers the
 * handshake, a spawn, the stdin commands, and publishes one chunk, the exit and the close), so the archive holds
 * the classes of a real run — JSON, base64, sockets, threads, the lambdas — and no node is needed. The script runs
 * it with stdin and stdout on {@code /dev/null}.
 */
final class CdsTraining {

  /** The option that runs it. */
  static final String OPTION = "--cds-training";

  private static final String PROCESS = "procbus.process.00000000-0000-0000-0000-000000000000";

  private CdsTraining() {
  }

  static int run() {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread bridge = new Thread(() -> standIn(server), "procbus-cds-bridge");
      bridge.setDaemon(true);
      bridge.start();
      BridgeConnection c = BridgeConnection.open("127.0.0.1", server.getLocalPort(), "training-token", "training");
      int status = new RunCommand(c, new Addresses(Addresses.DEFAULT_PREFIX).service(), false, null)
        .run(List.of("true"), null, null, Map.of("LANG", "C"));
      Tables.commandText(new JsonArray(List.of("/usr/bin/prlimit", "--", "true")));
      return status;
    } catch (IOException | CliException e) {
      return 1;
    }
  }

  /** Answers one connection as a bridge would for {@code run -- true}. */
  private static void standIn(ServerSocket server) {
    try (Socket s = server.accept()) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      long seq = 0;
      while (true) {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        JsonObject f = new JsonObject(new String(b, StandardCharsets.UTF_8));
        String reply = f.getString("replyAddress");
        if ("ping".equals(f.getString("type"))) {
          write(out, new JsonObject().put("type", "pong"));
        } else if ("register".equals(f.getString("type"))) {
          String data = Base64.getUrlEncoder().withoutPadding().encodeToString("ok\n".getBytes(StandardCharsets.UTF_8));
          write(out, event(seq++, "stdout", new JsonObject().put("stream", "stdout").put("seq", 0).put("data", data)));
          write(out, event(seq++, "exit", new JsonObject().put("code", 0)));
          write(out, event(seq++, "closed", new JsonObject()));
        } else if (reply != null) {
          Object body = "spawn".equals(f.getJsonObject("headers").getString("action")) ? new JsonObject()
            .put("id", "00000000-0000-0000-0000-000000000000").put("serviceAddress", "procbus.instance.training")
            .put("controlAddress", "procbus.instance.training.control").put("eventAddress", PROCESS)
            .put("maxStdinMessageBytes", 1 << 20) : null;
          write(out, new JsonObject().put("type", "message").put("address", reply).put("body", body));
        }
      }
    } catch (IOException e) {
      // the CLI closed the connection: training is over
    }
  }

  private static JsonObject event(long seq, String type, JsonObject body) {
    return new JsonObject().put("type", "message").put("address", PROCESS).put("headers", new JsonObject()
      .put("type", type).put("seq", Long.toString(seq)).put("id", "00000000-0000-0000-0000-000000000000"))
      .put("body", body).put("send", false);
  }

  private static synchronized void write(DataOutputStream out, JsonObject frame) throws IOException {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(json.length);
    out.write(json);
    out.flush();
  }
}
