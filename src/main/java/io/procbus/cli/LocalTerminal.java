package io.procbus.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The terminal {@code procbus run -t} runs on, its stdin: put in raw mode (every byte as typed, no echo, no
 * signal keys — Ctrl-C goes to the remote child as the byte {@code 0x03}, whose own terminal turns it into
 * SIGINT), its window size read, and its window changes followed. {@code stty} on our stdin does each of these,
 * as Java itself has no terminal control; the settings found at the start are put back exactly once, by
 * {@link #close()} or, whatever ends the JVM first, by a shutdown hook.
 */
final class LocalTerminal implements AutoCloseable {

  /** The size used when the terminal reports none (a pseudo-terminal nobody sized): as the node's default. */
  static final int DEFAULT_COLS = 80;
  static final int DEFAULT_ROWS = 24;
  private static final long STTY_TIMEOUT_SECONDS = 10;

  private final File device;
  private final String saved;
  private final AtomicBoolean restored = new AtomicBoolean(true);
  private final Thread hook = new Thread(this::restore, "procbus-terminal-restore");

  private LocalTerminal(File device, String saved) {
    this.device = device;
    this.saved = saved;
  }

  /**
   * The terminal on our stdin, its settings saved (nothing changed yet).
   *
   * @throws CliException {@link Cli#USAGE} when stdin is not a terminal
   */
  static LocalTerminal open() throws CliException {
    // the terminal by its name: stty opens it anew each time, whatever becomes of our descriptor 0 meanwhile
    File device = null;
    try {
      Path name = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
      device = name.startsWith("/dev/") ? name.toFile() : null;
    } catch (IOException | UnsupportedOperationException e) {
      // not a terminal, below
    }
    String settings = device == null ? null : stty(device, List.of("-g"), new StringBuilder());
    if (settings == null || settings.isBlank()) {
      throw new CliException(Cli.USAGE, "run -t needs a terminal, and stdin is not one (run without -t to use a pipe"
        + " or a file as the program's stdin)");
    }
    return new LocalTerminal(device, settings.strip());
  }

  /** Raw mode without echo; {@link #close()} (or the JVM's end) puts the saved settings back. */
  void raw() throws CliException {
    if (restored.compareAndSet(true, false)) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    if (stty(List.of("raw", "-echo")) == null) {
      restore();
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "cannot put the terminal in raw mode (stty raw -echo)");
    }
  }

  /** Its window size as {@code (cols, rows)}; the defaults when it has none. */
  void size(BiConsumer<Integer, Integer> colsRows) {
    String size = stty(List.of("size"));
    int rows = 0;
    int cols = 0;
    if (size != null) {
      String[] parts = size.strip().split("\\s+");
      try {
        rows = parts.length == 2 ? Integer.parseInt(parts[0]) : 0;
        cols = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
      } catch (NumberFormatException e) {
        // the defaults below
      }
    }
    colsRows.accept(cols > 0 ? cols : DEFAULT_COLS, rows > 0 ? rows : DEFAULT_ROWS);
  }

  /** Runs {@code then} with the new size on each change of the window size (SIGWINCH). */
  @SuppressWarnings("restriction")
  void onResize(BiConsumer<Integer, Integer> then) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> size(then));
    } catch (IllegalArgumentException e) {
      // a JVM that keeps SIGWINCH for itself: the size stays the one at the start
    }
  }

  /** Puts the saved settings back (once; later calls do nothing). */
  @Override
  public void close() {
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // shutting down (the hook runs or ran), or never added
    }
  }

  private void restore() {
    if (restored.compareAndSet(false, true)) {
      StringBuilder why = new StringBuilder();
      if (stty(device, List.of(saved), why) == null) {
        System.err.print("\r\nprocbus: could not put the terminal's settings back (" + why.toString().strip()
          + "): run `stty sane`\r\n");
      }
    }
  }

  /** Runs {@code stty ARGS} on the terminal: its output, or {@code null} when it failed. */
  private String stty(List<String> args) {
    return stty(device, args, new StringBuilder());
  }

  /** Runs {@code stty ARGS} on {@code device}: its output, or {@code null} when it failed, saying why in {@code why}. */
  private static String stty(File device, List<String> args, StringBuilder why) {
    List<String> argv = new java.util.ArrayList<>();
    argv.add("stty");
    argv.addAll(args);
    try {
      Process p = new ProcessBuilder(argv).redirectInput(device).start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(STTY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        why.append("stty did not finish");
        return null;
      }
      why.append(new String(err, StandardCharsets.UTF_8)).append(" exit ").append(p.exitValue());
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      why.append(e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
