package io.procbus.cli;

import io.procbus.api.ErrorCode;
import io.procbus.api.ResourceUsage;
import io.procbus.cli.BridgeConnection.CommandFailed;
import io.procbus.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  private static final String USAGE_TEXT = """
    Usage: procbus [--host H] [--port P] [--token-file F] [--prefix P] COMMAND [OPTIONS]

    Runs and watches processes of a procbus node through its TCP bridge.

    Commands:
      run     Run a program on the node, attached to this terminal (like `docker run -i`)
      ps      List your processes
      logs    Show a process's kept output, then follow it, as an observer
      kill    Send a signal to a process
      nodes   List the nodes of the cluster
      health  Ask the node whether it is ready

    Global options (before or after the command):
      --host H         bridge host (PROCBUS_TCP_HOST, default 127.0.0.1)
      --port P         bridge port (PROCBUS_TCP_PORT, default 7000)
      --token-file F   token file (default: PROCBUS_TOKEN, else the node's first-start file
                       $PROCBUS_STATE_DIR/tokens.json, by default ~/.local/state/procbus/tokens.json)
      --prefix P       address prefix of the node (default procbus)
      -h, --help       this help; `procbus COMMAND --help` for a command's

    Exit status: 0 ok; 1 the node refused the request; 2 usage; 125 procbus failed (no node, bad token);
    run: the program's status (128+N after signal N), 126 denied by policy, 127 no such program.
    """;

  private static final Map<String, String> HELP = Map.of(
    "run", """
      Usage: procbus run [--node N] [--cwd D] [-e K=V]... [--rusage] [--] PROG [ARG...]

      Runs PROG on the node (no shell) with its stdout and stderr streamed to this command's, byte for byte,
      and this command's stdin (a terminal, a pipe, /dev/null) forwarded to it, EOF included. SIGINT and
      SIGTERM are passed on to it. Exits with its exit status, 128+N after signal N.

        --node N    run on cluster node N (default: any)
        --cwd D     working directory on the node (default: the policy's first cwd root)
        -e K=V      set a variable (the policy says which are allowed)
        --rusage    once it ends, print its CPU time and peak memory on stderr, as time(1) does

      Exit status: the program's; 126 denied by the node's policy (the rule is printed); 127 no such program;
      125 procbus failed.
      """,
    "ps", """
      Usage: procbus ps [--json]

      Lists your processes on every node (every process, for a role that sees all): ID, NODE, PID, STATE,
      EXIT, CPU (user + system seconds, once exited), MAXRSS (peak memory, once exited), AGE, COMMAND.
      --json prints the ProcessInfo objects as a JSON array.
      """,
    "logs", """
      Usage: procbus logs [-f] ID

      Shows the stdout and stderr of process ID as an observer: the output the node still keeps (its last
      MiB, also for a while after the process ended), then what it writes until it ends (-f is implied, and
      accepted). An observer never grants credit, so it never slows the process. Output the node no longer
      keeps or could not deliver is reported on stderr.
      Exit status: 0 once the process ended; 1 unknown id or not yours; 125 procbus failed.
      """,
    "kill", """
      Usage: procbus kill [-s SIGNAL] ID

      Sends SIGNAL (a name such as TERM, INT, HUP, KILL, or a number; default KILL) to process ID.
      Exit status: 0 sent; 1 unknown id, not yours, already exited or bad signal; 125 procbus failed.
      """,
    "nodes", """
      Usage: procbus nodes [--json]

      Lists the node instances the bridge's node hears heartbeats from: NODE, INSTANCE, LIVE, CAPACITY, SEEN.
      """,
    "health", """
      Usage: procbus health [--http-host H] [--http-port P]

      GET http://H:P/health/ready (PROCBUS_HTTP_HOST, default 127.0.0.1; PROCBUS_HTTP_PORT, default 8081)
      and prints the answer. Exit status: 0 ready; 1 not ready; 125 no answer.
      """);

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
      System.out.print(USAGE_TEXT);
      return help ? 0 : USAGE;
    }
    if (!HELP.containsKey(command)) {
      throw usage("unknown command " + command);
    }
    if (help) {
      System.out.print(HELP.get(command));
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
    BridgeConnection bridge = connect();
    return new RunCommand(bridge, addresses().service(), rusage).run(argv, node, cwd, vars);
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
      rows.add(new String[] {"ID", "NODE", "PID", "STATE", "EXIT", "CPU", "MAXRSS", "AGE", "COMMAND"});
      long now = System.currentTimeMillis();
      for (Object o : all) {
        JsonObject p = (JsonObject) o;
        JsonObject exit = p.getJsonObject("exitStatus");
        ResourceUsage usage = exit == null || exit.getJsonObject("usage") == null ? null
          : new ResourceUsage(exit.getJsonObject("usage"));
        rows.add(new String[] {p.getString("id"), nodeOf.getOrDefault(p.getString("instance"),
          String.valueOf(p.getString("instance"))), String.valueOf(p.getValue("pid")), p.getString("state"),
          exitText(exit), usage == null ? "" : cpuText(usage), usage == null ? "" : rssText(usage),
          age(now - p.getLong("startedAt", now)),
          commandText(p.getJsonArray("argv"))});
      }
      printTable(rows);
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
      rows.add(new String[] {"NODE", "INSTANCE", "LIVE", "CAPACITY", "SEEN"});
      long now = System.currentTimeMillis();
      for (Object o : nodes) {
        JsonObject n = (JsonObject) o;
        rows.add(new String[] {n.getString("node"), n.getString("instance"), String.valueOf(n.getValue("live")),
          String.valueOf(n.getValue("capacity")), age(now - n.getLong("lastSeen", now)) + " ago"});
      }
      printTable(rows);
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
    String url = "http://" + httpHost + ":" + httpPort + "/health/ready";
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(BridgeConnection.CONNECT_TIMEOUT_MILLIS);
      c.setReadTimeout((int) BridgeConnection.REPLY_TIMEOUT_MILLIS);
      int code = c.getResponseCode();
      try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
        System.out.println(in == null ? "HTTP " + code : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      return code == 200 ? 0 : FAILED;
    } catch (ConnectException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "cannot connect to " + url + " — is the node running"
        + " with its operations http server (http.enabled; PROCBUS_HTTP_PORT)?");
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "GET " + url + " failed: " + e);
    }
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

  static String exitText(JsonObject exit) {
    if (exit == null) {
      return "";
    }
    return exit.getValue("code") != null ? String.valueOf(exit.getValue("code"))
      : exit.getString("signal") + "/-" + exit.getValue("signalNumber");
  }

  /** User plus system CPU time, in seconds: {@code 0.52s}. */
  static String cpuText(ResourceUsage usage) {
    return String.format(Locale.ROOT, "%.2fs", (usage.userCpuMicros() + usage.systemCpuMicros()) / 1e6);
  }

  /** The peak resident set size: {@code 10.2M}. */
  static String rssText(ResourceUsage usage) {
    return String.format(Locale.ROOT, "%.1fM", usage.maxRssKiB() / 1024.0);
  }

  /** The argv as run, without the policy's {@code prlimit}/{@code setpriv} wrappers. */
  static String commandText(JsonArray argv) {
    if (argv == null) {
      return "";
    }
    List<String> words = new ArrayList<>();
    for (Object a : argv) {
      words.add(String.valueOf(a));
    }
    while (!words.isEmpty() && (words.get(0).endsWith("/prlimit") || words.get(0).endsWith("/setpriv"))
      && words.contains("--")) {
      words = words.subList(words.indexOf("--") + 1, words.size());
    }
    return String.join(" ", words);
  }

  private static String age(long millis) {
    long s = Math.max(0, millis) / 1000;
    return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s / 3600 + "h";
  }

  private static void printTable(List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      b.append('\n');
    }
    System.out.print(b);
  }
}
