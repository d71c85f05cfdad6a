package io.procbus.engine.linux;

import io.procbus.config.StateDirectory;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Kills this JVM's children when the JVM dies, however it dies ({@code kill -9}, the OOM killer, a crash): a
 * separate watchdog process ({@link WatchdogMain}), one per JVM, started by the first engine and shared by
 * every engine in the JVM.
 *
 * <p>The watchdog runs in a session of its own; its standard input is a pipe whose write end only this JVM
 * holds (close-on-exec, and children get only fds 0–2). The engine records each child after its spawn
 * ({@link #spawned}) and after its reap ({@link #reaped}); when the JVM dies the kernel closes the pipe, and at
 * end of input the watchdog kills the children still recorded, with their trees ({@link ProcessTree}).
 *
 * <p>A record is one {@code write} of a few bytes to a non-blocking pipe (atomic: below {@code PIPE_BUF}), on
 * the child's event loop; it never blocks. The pipe is enlarged to 1 MiB (some 100,000 records). When it is
 * full anyway (the watchdog stopped reading) or broken (the watchdog died), the watchdog is replaced: the old
 * one is killed first, so that it does not take the closed pipe for the JVM's death, and every child still
 * running is recorded again in the new one. If no watchdog can be started, a warning is logged once and
 * children are not guarded.
 */
public final class Watchdog {

  private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
  private static final Watchdog SHARED = new Watchdog();

  private static final int F_SETPIPE_SZ = 1031;
  private static final int PIPE_SIZE = 1 << 20;
  /** Small-footprint flags: the watchdog reads a pipe and, once, {@code /proc} (about 34 MB resident). */
  private static final List<String> JVM_FLAGS = List.of("-Xmx8m", "-Xss256k", "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=8m", "-XX:-UsePerfData",
    "-Xshare:auto");
  /** Variables that would add the node's own JVM options (a debugger's port, an agent) to the watchdog. */
  private static final Set<String> JVM_OPTION_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
    "_JAVA_OPTIONS");

  /** A running watchdog: its pid, its pidfd, and the write end of its standard input. */
  private record Link(int pid, int pidfd, FileDescriptor pipe) {
  }

  /** The link while one thread starts a watchdog: records then wait in {@link #guarded} for its replay. */
  private static final Link STARTING = new Link(-1, -1, null);
  /** No watchdog could be started: children are not guarded. */
  private static final Link DISABLED = new Link(-1, -1, null);

  // Any thread: children are spawned and reaped on many event loops
  private final Set<Integer> guarded = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Link> link = new AtomicReference<>();
  private final ThreadLocal<ByteBuffer> record = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(16));

  private Watchdog() {
  }

  /** The watchdog of this JVM. */
  public static Watchdog shared() {
    return SHARED;
  }

  /** Starts the watchdog if none runs yet; cheap once it does. */
  public void ensureRunning() {
    if (link.get() == null) {
      replace(null);
    }
  }

  /** Records a child just spawned; call on its context, after {@code posix_spawn} returned. */
  public void spawned(int pid) {
    guarded.add(pid);
    send('+', pid);
  }

  /** Records that a child was reaped; call on its context, once its exit status is collected. */
  public void reaped(int pid) {
    if (guarded.remove(pid)) {
      send('-', pid);
    }
  }

  /** The watchdog's pid, or -1 when none runs: for tests. */
  public int pid() {
    Link l = link.get();
    return l == null ? -1 : l.pid();
  }

  private void send(char op, int pid) {
    Link l = link.get();
    if (l == STARTING || l == DISABLED) {
      return; // the starter replays the guarded set once its watchdog runs
    }
    if (l == null || !write(l, op, pid)) {
      replace(l);
    }
  }

  /** Writes one record; false when the pipe is full or broken. */
  private boolean write(Link l, char op, int pid) {
    ByteBuffer b = record.get().clear();
    b.put((byte) op);
    String digits = Integer.toString(pid);
    for (int i = 0; i < digits.length(); i++) {
      b.put((byte) digits.charAt(i));
    }
    b.put((byte) '\n');
    int n = b.position();
    try {
      return l.pipe().write(b, 0, n) == n; // 0: EAGAIN, nothing written
    } catch (IOException broken) {
      return false;
    }
  }

  /**
   * Replaces {@code expected} (none yet, or one that stopped reading) with a new watchdog, unless another
   * thread got there first; then records every guarded child in it.
   */
  private void replace(Link expected) {
    if (!link.compareAndSet(expected, STARTING)) {
      return;
    }
    if (expected != null) {
      LOG.warning("the children's watchdog (pid " + expected.pid() + ") stopped reading: starting another");
      retire(expected);
    }
    Link fresh;
    try {
      fresh = launch();
    } catch (RuntimeException e) {
      LOG.warning("cannot start the children's watchdog: children may outlive this JVM if it dies: " + e);
      link.set(DISABLED);
      return;
    }
    link.set(fresh);
    // a child added before the set above is replayed here; one added after it writes its own record
    for (int pid : guarded) {
      write(fresh, '+', pid);
    }
  }

  /** Kills an old watchdog before closing its pipe, so that it does not sweep the children, and reaps it. */
  private static void retire(Link old) {
    Pidfd.sendSignal(old.pidfd(), 9);
    Pidfd.reapBlocking(old.pidfd());
    Spawner.closeQuietly(old.pidfd());
    try {
      old.pipe().close();
    } catch (IOException ignored) {
      // our own end: nothing to do about a failed close
    }
  }

  private static Link launch() {
    int jvm = (int) ProcessHandle.current().pid();
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(JVM_FLAGS);
    argv.add("-cp");
    argv.add(classPath());
    argv.add(WatchdogMain.class.getName());
    argv.add(Integer.toString(jvm));
    argv.add(StateDirectory.of(System.getenv()).toString());
    List<String> env = new ArrayList<>();
    for (Map.Entry<String, String> e : System.getenv().entrySet()) {
      if (!JVM_OPTION_VARIABLES.contains(e.getKey())) {
        env.add(e.getKey() + "=" + e.getValue());
      }
    }
    SpawnedChild child = Spawner.spawn(new SpawnPlan(argv.get(0), argv, env, null,
      List.of(new SpawnPlan.Pipe(), SpawnPlan.devNull(1), new SpawnPlan.Inherit()), false, true));
    try {
      LibC.C.fcntl(child.stdinFd(), F_SETPIPE_SZ, PIPE_SIZE);
    } catch (LastErrorException e) {
      // above the user's pipe quota: the default 64 KiB (some 7,000 records) still serves
    }
    return new Link(child.pid(), child.pidfd(), new FileDescriptor(child.stdinFd()));
  }

  /** Where the watchdog's classes are: this code and JNA (one fat jar, or a build's class path). */
  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : List.of(WatchdogMain.class, Native.class)) {
      try {
        entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException | RuntimeException e) {
        entries.add(System.getProperty("java.class.path"));
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }
}
