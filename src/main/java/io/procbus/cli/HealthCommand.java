package io.procbus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** {@code procbus health}: asks the node's operations endpoint whether it is ready and prints the answer. */
final class HealthCommand {

  private HealthCommand() {
  }

  /** GETs {@code url} and prints its body: 0 when ready (200), {@value Cli#FAILED} when not, 125 no answer. */
  static int ask(String url) throws CliException {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(BridgeConnection.CONNECT_TIMEOUT_MILLIS);
      c.setReadTimeout((int) BridgeConnection.REPLY_TIMEOUT_MILLIS);
      int code = c.getResponseCode();
      try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
        System.out.println(in == null ? "HTTP " + code : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      return code == 200 ? 0 : Cli.FAILED;
    } catch (ConnectException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "cannot connect to " + url + " — is the node running"
        + " with its operations http server (http.enabled; PROCBUS_HTTP_PORT)?");
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "GET " + url + " failed: " + e);
    }
  }
}
