package io.procbus.cli;

import io.procbus.api.ErrorCode;
import io.procbus.api.ExitStatus;
import io.procbus.api.ResourceUsage;
import io.procbus.cli.BridgeConnection.CommandFailed;
import io.procbus.policy.CommandPolicy;
import io.procbus.protocol.Control;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code procbus run}: spawns a process through the bridge and behaves like it, as {@code docker run -i} or
 * {@code kubectl exec -i} do — its stdout and stderr to ours, byte for byte as they arrive; our stdin to its stdin,
 * EOF included; SIGINT and SIGTERM passed on; its exit status as ours (128+N after signal N). With {@code -t}, as
 * {@code docker run -t} or {@code ssh -t}: the child runs on a pseudo-terminal of our terminal's size, followed on
 * each SIGWINCH, while ours is in raw mode ({@link LocalTerminal}), so keys reach it as typed; SIGHUP is passed on too.
 *
 * <p>Back-pressure both ways: output is granted {@value #WINDOW} bytes of credit per stream at a time, topped up
 * only once the bytes were written to our stdout or stderr, so a slow reader of ours slows the child (and the
 * bridge's 8 MiB queue for a client is never reached). Stdin goes as what is available, up to the node's
 * {@code maxStdinMessageBytes} per write, and a write is sent only while less than {@value #STDIN_UNACKED} bytes
 * are unacknowledged: the node refuses a write ({@code STDIN_FULL}) only when its queue already holds twice
 * 64 KiB (docs/protocol.md, Stdin), so it never refuses one of ours, and a child that does not read slows us.
 */
final class RunCommand {

  /** Credit per stream kept outstanding. */
  static final int WINDOW = 1 << 20;
  /** The largest stdin write (the node may allow less: its {@code maxStdinMessageBytes}). */
  static final int STDIN_PIECE = 1 << 20;
  /** A stdin write is sent only while fewer bytes than this are written and not yet acknowledged. */
  static final int STDIN_UNACKED = 128 * 1024;
  /** Bytes asked of our stdin per read. */
  static final int READ_SIZE = 64 * 1024;
  /** Lease renewal period (the node's lease is 30 s by default). */
  static final long LEASE_RENEW_MILLIS = 10_000;
  /** Exit status of a denied command: as a shell's "cannot execute". */
  static final int DENIED = 126;
  /** Exit status of a program that does not exist: as a shell's "command not found". */
  static final int NOT_FOUND = 127;

  private final BridgeConnection bridge;
  private final String service;
  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
  private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);
  private final long[] granted = new long[2];
  private final long[] received = new long[2];
  private String id;
  private String serviceAddress;
  private String controlAddress;
  private String eventAddress;
  private long nextSeq;
  private boolean stdoutBroken;
  private JsonObject exit;
  private volatile StdinPump stdin;
  private final boolean rusage;
  private final LocalTerminal terminal;

  /** A run; with a {@code terminal} ({@code -t}), on a pseudo-terminal of that size, ours in raw mode meanwhile. */
  RunCommand(BridgeConnection bridge, String service, boolean rusage, LocalTerminal terminal) {
    this.bridge = bridge;
    this.service = service;
    this.rusage = rusage;
    this.terminal = terminal;
  }

  /**
   * Runs {@code argv} and returns the exit status to exit with.
   *
   * @throws CliException 126 denied, 127 no such program, 125 any other failure of procbus
   */
  int run(List<String> argv, String node, String cwd, Map<String, String> env) throws CliException {
    JsonObject options = new JsonObject();
    if (cwd != null) {
      options.put("cwd", cwd);
    }
    if (!env.isEmpty()) {
      options.put("env", new JsonObject(Map.copyOf(env)));
    }
    if (terminal != null) {
      terminal.size((cols, rows) -> options.put("terminal", new JsonObject().put("cols", cols).put("rows", rows)));
    }
    JsonObject request = new JsonObject().put("command", new JsonArray(List.copyOf(argv))).put("options", options);
    if (node != null) {
      request.put("node", node);
    }
    JsonObject info;
    try {
      info = (JsonObject) bridge.call(service, "spawn", new JsonObject().put("request", request));
    } catch (CommandFailed e) {
      throw spawnFailure(argv.get(0), e);
    }
    id = info.getString("id");
    serviceAddress = info.getString("serviceAddress");
    controlAddress = info.getString("controlAddress");
    eventAddress = info.getString("eventAddress");
    int piece = Math.min(STDIN_PIECE, info.getInteger("maxStdinMessageBytes", STDIN_PIECE));
    stdin = new StdinPump(bridge, serviceAddress, id, piece);
    bridge.onFrame(this::frame);
    int code;
    try {
      if (terminal != null) {
        // before the first grant: no output of the child reaches our terminal while it still translates
        terminal.raw();
        terminal.onResize((cols, rows) -> bridge.request(serviceAddress, "resize", new JsonObject().put("id", id)
          .put("cols", cols).put("rows", rows)));
      }
      try {
        bridge.send(new JsonObject().put("type", "register").put("address", eventAddress));
        // the first grant attaches: nothing is published before it, so nothing is missed
        grant(WINDOW, WINDOW);
      } catch (IOException e) {
        throw new CliException(BridgeConnection.PROCBUS_FAILED, "lost the connection to " + bridge.where() + ": " + e);
      }
      bridge.lost().thenAccept(why -> fail("lost the connection to " + bridge.where() + ": " + why));
      forwardSignals();
      ScheduledExecutorService lease = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "procbus-lease"));
      lease.scheduleAtFixedRate(() -> bridge.request(serviceAddress, "renewLease", new JsonObject()),
        LEASE_RENEW_MILLIS, LEASE_RENEW_MILLIS, TimeUnit.MILLISECONDS);
      daemon(stdin, "procbus-stdin").start();
      code = status.join();
    } catch (RuntimeException e) {
      throw e.getCause() instanceof CliException c ? c
        : new CliException(BridgeConnection.PROCBUS_FAILED, String.valueOf(e.getMessage()));
    } finally {
      if (terminal != null) {
        terminal.close(); // before any line of ours: they are written for a terminal in its usual mode
      }
    }
    if (rusage) {
      printUsage(new ExitStatus(exit));
    }
    return code;
  }

  /** The exit status and message of a spawn the node refused. */
  static CliException spawnFailure(String program, CommandFailed e) {
    String message = e.getMessage();
    if (e.is(ErrorCode.DENIED) && message.contains(CommandPolicy.NOT_ON_SEARCH_PATH)
      || e.is(ErrorCode.SPAWN_FAILED) && message.contains("ENOENT")) {
      return new CliException(NOT_FOUND, program + ": no such program (" + message + ")");
    }
    if (e.is(ErrorCode.DENIED) || e.is(ErrorCode.SPAWN_FAILED)) {
      return new CliException(DENIED, message);
    }
    return new CliException(BridgeConnection.PROCBUS_FAILED, "spawn failed: " + message);
  }

  // --- events, on the bridge's reader thread

  private void frame(JsonObject f) {
    if (!eventAddress.equals(f.getString("address"))) {
      return;
    }
    if ("err".equals(f.getString("type"))) {
      fail("cannot follow process " + id + ": " + f.getString("message"));
      return;
    }
    JsonObject headers = f.getJsonObject("headers", new JsonObject());
    long seq = Long.parseLong(headers.getString(Headers.SEQ, "-1"));
    if (seq != nextSeq) {
      bridge.request(serviceAddress, "closeProcess", new JsonObject().put("id", id));
      fail("events of process " + id + " were lost (expected seq " + nextSeq + ", got " + seq + "): it was killed");
      return;
    }
    nextSeq++;
    String type = headers.getString(Headers.TYPE);
    Object body = f.getValue("body");
    if (EventType.STDOUT.wire().equals(type) || EventType.STDERR.wire().equals(type)) {
      int stream = EventType.STDOUT.wire().equals(type) ? 0 : 1;
      byte[] data = Base64.getUrlDecoder().decode(((JsonObject) body).getString(EventFields.DATA));
      write(stream, data);
      received[stream] += data.length;
      long outstanding = granted[stream] - received[stream];
      if (outstanding < WINDOW / 2) {
        try {
          grant(stream == 0 ? WINDOW - outstanding : 0, stream == 1 ? WINDOW - outstanding : 0);
        } catch (IOException e) {
          fail("lost the connection to " + bridge.where() + ": " + e);
        }
      }
    } else if (EventType.STDIN_CLOSED.wire().equals(type)) {
      stdin.stop();
    } else if (EventType.EXIT.wire().equals(type)) {
      exit = (JsonObject) body;
    } else if (EventType.TERMINATED.wire().equals(type)) {
      message("the node gave process " + id + " up: " + ((JsonObject) body).getString(EventFields.MESSAGE));
    } else if (EventType.CLOSED.wire().equals(type)) {
      flush();
      if (exit == null) {
        fail("process " + id + " closed without an exit status");
      } else if (exit.getInteger(EventFields.CODE) != null) {
        status.complete(exit.getInteger(EventFields.CODE));
      } else {
        status.complete(128 + exit.getInteger(EventFields.SIGNAL_NUMBER, 0));
      }
    }
  }

  private void write(int stream, byte[] data) {
    try {
      if (stream == 1) {
        stderr.write(data);
      } else if (!stdoutBroken) {
        stdout.write(data);
      }
    } catch (IOException e) {
      if (stream == 0) {
        // our reader went away (`procbus run … | head`): the child's stdout goes too, so it sees EPIPE as it would
        stdoutBroken = true;
        bridge.request(serviceAddress, "closePipe", new JsonObject().put("id", id).put("fd", 1));
      }
    }
  }

  private void grant(long out, long err) throws IOException {
    granted[0] += out;
    granted[1] += err;
    bridge.send(new JsonObject().put("type", "send").put("address", controlAddress).put("body", new JsonObject()
      .put(Control.ID, id).put(Control.STDOUT, out).put(Control.STDERR, err)));
  }

  private void flush() {
    try {
      stdout.flush();
      stderr.flush();
    } catch (IOException e) {
      // nothing left to tell
    }
  }

  private void fail(String message) {
    status.completeExceptionally(new CliException(BridgeConnection.PROCBUS_FAILED, message));
  }

  /** The {@code --rusage} line: as {@code time}'s, after everything the child wrote. */
  private static void printUsage(ExitStatus status) {
    ResourceUsage u = status.usage();
    message(u == null ? "the node did not measure the resource usage"
      : String.format(Locale.ROOT, "%s: user %.3fs system %.3fs maxrss %d KiB", status, u.userCpuMicros() / 1e6,
        u.systemCpuMicros() / 1e6, u.maxRssKiB()));
  }

  private static void message(String text) {
    System.err.println("procbus: " + text);
  }

  // --- stdin and signals

  @SuppressWarnings("restriction")
  private void forwardSignals() {
    // on a terminal, a hangup of ours is the remote session's too, as when a local terminal closes
    for (String name : terminal == null ? List.of("INT", "TERM") : List.of("INT", "TERM", "HUP")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> bridge.request(serviceAddress, "signal",
          new JsonObject().put("id", id).put("signal", name).put("group", false)));
      } catch (IllegalArgumentException e) {
        // a JVM that keeps this signal for itself: it then ends the CLI as usual
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
