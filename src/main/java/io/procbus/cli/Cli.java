package io.procbus.cli;

import io.procbus.api.ErrorCode;
import io.procbus.api.TerminalSize;
import io.procbus.cli.BridgeConnection.CommandFailed;
import io.procbus.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code procbus} command ({@code bin/procbus}): runs and watches processes of a node through its TCP bridge,
 * modelled on {@code docker run/ps/logs/kill} and {@code kubectl exec}. {@code docs/cli.md} documents every
 * command, option and exit status.
 *
 * <p>Exit statuses: a command's own (see each); {@value #USAGE} a usage error; {@value #FAILED} a request the node
 * refused (unknown id, not yours, already exited, not ready); 125 procbus itself failed (cannot connect, bad
 * token, lost connection); {@code run}: the child's status, 126 denied, 127 no such program.
 */
public final class Cli {

  /** Exit status of a usage error. */
  static final int USAGE = 2;
  /** Exit status of a request the node refused. */
  static final int FAILED = 1;
  /** The default TCP bridge host and port. */
  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 7000;
  /** The default operations HTTP port (health). */
  static final int DEFAULT_HTTP_PORT = 8081;

  private final Map<String, String> env;
  private String host;
  private int port;
  private String tokenFile;
  private String prefix = Addresses.DEFAULT_PREFIX;

  Cli(Map<String, String> env) {
    this.env = env;
  }

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    System.exit(new Cli(System.getenv()).execute(List.of(args)));
  }

  int execute(List<String> args) {
    try {
      return dispatch(args);
    } catch (CliException e) {
      System.out.flush();
      System.err.println("procbus: " + e.getMessage());
      return e.status();
    }
  }

  private int dispatch(List<String> all) throws CliException {
    host = envOr("PROCBUS_TCP_HOST", DEFAULT_HOST);
    port = port(envOr("PROCBUS_TCP_PORT", Integer.toString(DEFAULT_PORT)), "PROCBUS_TCP_PORT");
    // global options anywhere before `--`; the first other word is the command
    List<String> rest = new ArrayList<>();
    String command = null;
    boolean help = false;
    for (int i = 0; i < all.size(); i++) {
      String a = all.get(i);
      if (a.equals("--")) {
        rest.addAll(all.subList(i, all.size()));
        break;
      }
      switch (a) {
        case "--host" -> host = value(all, ++i, a);
        case "--port" -> port = port(value(all, ++i, a), a);
        case "--token-file" -> tokenFile = value(all, ++i, a);
        case "--prefix" -> prefix = value(all, ++i, a);
        case "-h", "--help" -> help = true;
        case CdsTraining.OPTION -> {
          return CdsTraining.run();
        }
        default -> {
          if (command == null && !a.startsWith("-")) {
            command = a;
          } else if (command == null) {
            throw usage("unknown option " + a);
          } else {
            rest.add(a);
          }
        }
      }
    }
    if (command == null) {
      System.out.print(CliHelp.GENERAL);
      return help ? 0 : USAGE;
    }
    if (!CliHelp.COMMANDS.containsKey(command)) {
      throw usage("unknown command " + command);
    }
    if (help) {
      System.out.print(CliHelp.COMMANDS.get(command));
      return 0;
    }
    return switch (command) {
      case "run" -> run(rest);
      case "ps" -> ps(rest);
      case "logs" -> logs(rest);
      case "kill" -> kill(rest);
      case "nodes" -> nodes(rest);
      default -> health(rest);
    };
  }

  // --- commands

  private int run(List<String> args) throws CliException {
    String node = null;
    String cwd = null;
    boolean rusage = false;
    boolean tty = false;
    Map<String, String> vars = new LinkedHashMap<>();
    int i = 0;
    for (; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        i++;
        break;
      }
      if (!a.startsWith("-")) {
        break;
      }
      switch (a) {
        case "--node" -> node = value(args, ++i, a);
        case "--cwd" -> cwd = value(args, ++i, a);
        case "--rusage" -> rusage = true;
        case "-t", "--tty" -> tty = true;
        case "-e", "--env" -> {
          String kv = value(args, ++i, a);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw usage("-e needs K=V, not " + kv);
          }
          vars.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> throw usage("unknown option " + a + " of run");
      }
    }
    List<String> argv = args.subList(i, args.size());
    if (argv.isEmpty()) {
      throw usage("run needs a program: procbus run [OPTIONS] -- PROG [ARG...]");
    }
    LocalTerminal terminal = tty ? LocalTerminal.open() : null;
    String term = env.get("TERM");
    if (tty && term != null && !term.isBlank() && !term.equals(TerminalSize.DEFAULT_TERM)) {
      vars.putIfAbsent("TERM", term);
    }
    BridgeConnection bridge = connect();
    return new RunCommand(bridge, addresses().service(), rusage, terminal).run(argv, node, cwd, vars);
  }

  private int ps(List<String> args) throws CliException {
    boolean json = flags(args, "ps", "--json").contains("--json");
    try (BridgeConnection bridge = connect()) {
      Map<String, String> nodeOf = new LinkedHashMap<>();
      List<String> addresses = new ArrayList<>();
      for (Object o : nodes(bridge)) {
        JsonObject n = (JsonObject) o;
        nodeOf.put(n.getString("instance"), n.getString("node"));
        if (!addresses.contains(n.getString("address"))) {
          addresses.add(n.getString("address"));
        }
      }
      if (addresses.isEmpty()) {
        addresses.add(addresses().service());
      }
      JsonArray all = new JsonArray();
      for (String address : addresses) {
        for (Object o : (JsonArray) call(bridge, address, "list", new JsonObject())) {
          all.add(o);
        }
      }
      if (json) {
        System.out.println(all.encode());
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(Tables.PS_HEADER);
      long now = System.currentTimeMillis();
      for (Object o : all) {
        JsonObject p = (JsonObject) o;
        rows.add(Tables.psRow(p, nodeOf.getOrDefault(p.getString("instance"), String.valueOf(p.getString("instance"))),
          now));
      }
      Tables.printTable(rows);
      return 0;
    }
  }

  private int logs(List<String> args) throws CliException {
    List<String> words = flags(args, "logs", "-f", "--follow");
    List<String> ids = words.stream().filter(w -> !w.startsWith("-")).toList();
    if (ids.size() != 1) {
      throw usage("logs needs one process ID");
    }
    try (BridgeConnection bridge = connect()) {
      return new LogsCommand(bridge, addresses().service()).follow(ids.get(0));
    }
  }

  private int kill(List<String> args) throws CliException {
    String signal = "KILL";
    String id = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-s") || a.equals("--signal")) {
        signal = value(args, ++i, a);
      } else if (a.startsWith("-")) {
        throw usage("unknown option " + a + " of kill");
      } else if (id == null) {
        id = a;
      } else {
        throw usage("kill takes one process ID");
      }
    }
    if (id == null) {
      throw usage("kill needs a process ID");
    }
    try (BridgeConnection bridge = connect()) {
      JsonObject info = (JsonObject) call(bridge, addresses().service(), "info", new JsonObject().put("id", id));
      call(bridge, info.getString("serviceAddress"), "signal", new JsonObject().put("id", id).put("signal", signal)
        .put("group", false));
      return 0;
    }
  }

  private int nodes(List<String> args) throws CliException {
    boolean json = flags(args, "nodes", "--json").contains("--json");
    try (BridgeConnection bridge = connect()) {
      JsonArray nodes = nodes(bridge);
      if (json) {
        System.out.println(nodes.encode());
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(Tables.NODES_HEADER);
      long now = System.currentTimeMillis();
      for (Object o : nodes) {
        rows.add(Tables.nodeRow((JsonObject) o, now));
      }
      Tables.printTable(rows);
      return 0;
    }
  }

  private int health(List<String> args) throws CliException {
    String httpHost = envOr("PROCBUS_HTTP_HOST", DEFAULT_HOST);
    int httpPort = port(envOr("PROCBUS_HTTP_PORT", Integer.toString(DEFAULT_HTTP_PORT)), "PROCBUS_HTTP_PORT");
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--http-host" -> httpHost = value(args, ++i, "--http-host");
        case "--http-port" -> httpPort = port(value(args, ++i, "--http-port"), "--http-port");
        default -> throw usage("unknown argument " + args.get(i) + " of health");
      }
    }
    return HealthCommand.ask("http://" + httpHost + ":" + httpPort + "/health/ready");
  }

  // --- helpers

  private BridgeConnection connect() throws CliException {
    TokenSource token = TokenSource.find(tokenFile, env);
    return BridgeConnection.open(host, port, token.token(), token.source());
  }

  private Addresses addresses() {
    return new Addresses(prefix);
  }

  private JsonArray nodes(BridgeConnection bridge) throws CliException {
    return (JsonArray) call(bridge, addresses().service(), "nodes", new JsonObject());
  }

  /** A command whose refusal is the end of this CLI command: 1 with the node's message. */
  static Object call(BridgeConnection bridge, String address, String action, JsonObject body) throws CliException {
    try {
      return bridge.call(address, action, body);
    } catch (CommandFailed e) {
      String message = e.is(ErrorCode.UNKNOWN_PROCESS) ? "no such process: " + e.getMessage()
        : e.is(ErrorCode.PROCESS_LOOKUP) ? "the process has already exited: " + e.getMessage()
        : e.getMessage();
      throw new CliException(FAILED, message);
    }
  }

  private static List<String> flags(List<String> args, String command, String... allowed) throws CliException {
    List<String> ok = List.of(allowed);
    for (String a : args) {
      if (a.startsWith("-") && !ok.contains(a)) {
        throw usage("unknown option " + a + " of " + command);
      }
    }
    return args;
  }

  private String envOr(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static String value(List<String> args, int i, String option) throws CliException {
    if (i >= args.size()) {
      throw usage(option + " needs a value");
    }
    return args.get(i);
  }

  private static int port(String text, String what) throws CliException {
    try {
      int p = Integer.parseInt(text);
      if (p > 0 && p <= 65_535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw usage(what + ": not a port: " + text);
  }

  private static CliException usage(String message) {
    return new CliException(USAGE, message + " (procbus --help)");
  }
}
