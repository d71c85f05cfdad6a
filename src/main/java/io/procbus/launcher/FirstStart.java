package io.procbus.launcher;

import io.procbus.auth.LocalTokenFile;
import io.procbus.config.StateDirectory;
import io.procbus.config.EndpointOptions;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safe first start: a node with a bridge on and no token file configured gets one made for it
 * ({@link LocalTokenFile}, in the {@link StateDirectory}) when every listener is on loopback, and refuses to start
 * when one is not. A node without bridges needs no token.
 *
 * <p>The node then prints {@link #line} once it is up: where the token file is and how to connect — never the
 * token.
 */
final class FirstStart {

  /** The default TCP bridge port, which the CLI uses unless told otherwise. */
  static final int DEFAULT_TCP_PORT = 7000;

  private final LocalTokenFile.Result token;
  private final String stateDirVariable;
  private final String consoleHost;

  private FirstStart(LocalTokenFile.Result token, String stateDirVariable, String consoleHost) {
    this.token = token;
    this.stateDirVariable = stateDirVariable;
    this.consoleHost = consoleHost;
  }

  /**
   * Applies the first start to {@code config} (after the environment overrides) and to {@code options}, read from
   * it: sets {@code auth.tokenFile} in both to the first-start file when it applies.
   *
   * @return what was done, or {@code null} when a token file is configured or no bridge is on
   * @throws IllegalArgumentException when a bridge is on, no token file is configured and a listener is bound
   *                                  beyond loopback; or when the file cannot be made or is unsafe
   */
  static FirstStart prepare(JsonObject config, ProcbusOptions options, Map<String, String> env) {
    EndpointOptions tcp = options.getBridges().getTcp();
    EndpointOptions sockjs = options.getBridges().getSockjs();
    if (options.getAuth().getTokenFile() != null || !(tcp.isEnabled() || sockjs.isEnabled())) {
      return null;
    }
    Map<String, EndpointOptions> listeners = new LinkedHashMap<>();
    listeners.put("bridges.tcp", tcp);
    listeners.put("bridges.sockjs", sockjs);
    listeners.put("http", options.getHttp());
    List<String> beyond = new ArrayList<>();
    listeners.forEach((key, e) -> {
      if (e.isEnabled() && !isLoopback(e.getHost())) {
        beyond.add(key + ".host " + e.getHost());
      }
    });
    if (!beyond.isEmpty()) {
      throw new IllegalArgumentException("refusing to start: " + String.join(", ", beyond) + " is beyond loopback"
        + " and no token file is configured (auth.tokenFile, or PROCBUS_TOKEN_FILE); a token is made on first"
        + " start only for a node whose listeners are all on loopback");
    }
    LocalTokenFile.Result token = LocalTokenFile.createOrReuse(StateDirectory.tokenFile(env),
      StateDirectory.localUser());
    JsonObject auth = config.getJsonObject("auth");
    if (auth == null) {
      auth = new JsonObject();
      config.put("auth", auth);
    }
    auth.put("tokenFile", token.path().toString());
    options.getAuth().setTokenFile(token.path().toString());
    String host = sockjs.getHost().contains(":") ? "[" + sockjs.getHost() + "]" : sockjs.getHost();
    return new FirstStart(token, env.get(StateDirectory.ENV), host);
  }

  /** Whether {@code host} is a loopback address (a name is resolved; one that does not resolve is not). */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  /** The token file used. */
  Path tokenFile() {
    return token.path();
  }

  /**
   * The one line printed once the node is up, given the bound TCP and SockJS ports (-1: off): where the token file
   * is and the commands to connect.
   */
  String line(int tcpPort, int sockJsPort) {
    StringBuilder cli = new StringBuilder();
    if (stateDirVariable != null && !stateDirVariable.isBlank()) {
      cli.append(StateDirectory.ENV).append('=').append(stateDirVariable).append(' ');
    }
    if (tcpPort >= 0 && tcpPort != DEFAULT_TCP_PORT) {
      cli.append("PROCBUS_TCP_PORT=").append(tcpPort).append(' ');
    }
    cli.append("bin/procbus run -- echo hello");
    StringBuilder b = new StringBuilder("procbus: ")
      .append(token.created() ? "first start: made token file " : "token file ").append(token.path())
      .append(" (mode 0600, principal ").append(token.principal()).append(')');
    if (tcpPort >= 0) {
      b.append("; try: ").append(cli);
    }
    if (sockJsPort >= 0) {
      b.append("; console: http://").append(consoleHost).append(':').append(sockJsPort).append('/');
    }
    return b.toString();
  }
}
