package io.procbus.cli;

import java.util.Map;

/** The CLI's help texts: what {@code --help} prints, in general and per command (docs/cli.md says more). */
final class CliHelp {

  /** The general help: {@code procbus --help}. */
  static final String GENERAL = """
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

  /** Each command's help: {@code procbus COMMAND --help}; its keys are the commands. */
  static final Map<String, String> COMMANDS = Map.of(
    "run", """
      Usage: procbus run [-t] [--node N] [--cwd D] [-e K=V]... [--rusage] [--] PROG [ARG...]

      Runs PROG on the node (no shell) with its stdout and stderr streamed to this command's, byte for byte,
      and this command's stdin (a terminal, a pipe, /dev/null) forwarded to it, EOF included. SIGINT and
      SIGTERM are passed on to it. Exits with its exit status, 128+N after signal N.

        -t, --tty   run PROG on a pseudo-terminal of this terminal's size (stdin must be a terminal): keys
                    go to it as typed (Ctrl-C included), this terminal is in raw mode until PROG ends
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

  private CliHelp() {
  }
}
