package io.procbus.cli;

import io.procbus.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The hidden {@value #OPTION} run of {@code bin/procbus}: loads what a CLI command loads (JSON, base64, sockets,
 * the command classes) without a node, so that the class-data-sharing archive the script dumps from it makes
 * every later start faster.
 */
final class CdsTraining {

  /** The option that runs it. */
  static final String OPTION = "--cds-training";

  private CdsTraining() {
  }

  static int run() {
    JsonObject frame = new JsonObject().put("type", "send").put("address", new Addresses(Addresses.DEFAULT_PREFIX)
      .service()).put("headers", new JsonObject().put("action", "spawn")).put("body", new JsonObject()
      .put("request", new JsonObject().put("command", new JsonArray(List.of("true")))));
    JsonObject back = new JsonObject(new String(frame.encode().getBytes(StandardCharsets.UTF_8),
      StandardCharsets.UTF_8));
    byte[] data = Base64.getUrlDecoder().decode(Base64.getUrlEncoder().withoutPadding()
      .encodeToString(back.encodePrettily().getBytes(StandardCharsets.UTF_8)));
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
    } catch (IOException e) {
      // only classes matter here
    }
    Cli.commandText(new JsonArray(List.of("/usr/bin/prlimit", "--", "true")));
    for (Class<?> c : List.of(RunCommand.class, LogsCommand.class, BridgeConnection.class, TokenSource.class,
      BridgeConnection.CommandFailed.class, CliException.class)) {
      c.getDeclaredMethods();
    }
    return data.length > 0 ? 0 : 1;
  }
}
