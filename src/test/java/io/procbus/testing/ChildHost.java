package io.procbus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The JVM that is the parent of the children a suite spawns, probed through {@code /proc} on this machine: this
 * JVM when the engine (or the service behind a client on the local bus) runs here, a node's JVM when a cluster
 * client's children run there. Its probes see what the engine under test left behind on that JVM: children
 * (zombies included), open descriptors, threads.
 *
 * <p>Not counted as left behind: what the host runs by design, the engine's watchdog (one per JVM, docs/engine.md)
 * and, in this JVM, the procbus nodes a cluster test started ({@link NodeProcess}).
 */
public final class ChildHost {

  private static final String WATCHDOG_MAIN = "io.procbus.engine.linux.WatchdogMain";
  /** Threads the JVM starts and stops by itself as load changes (JIT compilers, GC workers), by name prefix. */
  private static final List<String> ELASTIC_JVM_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre",
    "GC Thread#", "G1 Conc#", "G1 Refine#");

  private final String name;
  private final String node;
  private final long pid;

  private ChildHost(String name, String node, long pid) {
    this.name = name;
    this.node = node;
    this.pid = pid;
  }

  /** This JVM: the engine runs here, or the service behind a client on this JVM's bus does. */
  public static ChildHost thisJvm() {
    return new ChildHost("this JVM", null, ProcessHandle.current().pid());
  }

  /** The JVM of {@code node}, started as procbus node {@code nodeName} of a cluster. */
  public static ChildHost node(String nodeName, NodeProcess node) {
    return new ChildHost("node " + nodeName + " (JVM " + node.pid() + ")", nodeName, node.pid());
  }

  /** Whether the children run in this JVM (their parent is this JVM). */
  public boolean isThisJvm() {
    return pid == ProcessHandle.current().pid();
  }

  /** The cluster node name of the host, or {@code null} for this JVM. */
  public String node() {
    return node;
  }

  /** The host JVM's pid. */
  public long pid() {
    return pid;
  }

  /** Whether {@code child} is a child of the host, running or a zombie. */
  public boolean isChild(long child) {
    ProcStat s = ProcStat.of(child);
    return s != null && s.ppid() == pid;
  }

  /**
   * Every child of the host, running or zombie ({@code /proc/<pid>/task/<tid>/children}: a child stays on its
   * parent's list until reaped), but for its watchdog and, in this JVM, the nodes a test started.
   */
  public List<ProcStat> children() {
    Set<Long> nodes = isThisJvm() ? NodeProcess.runningPids() : Set.of();
    List<ProcStat> children = new ArrayList<>();
    for (String pids : ofEachThread("children")) {
      for (String child : pids.isEmpty() ? new String[0] : pids.split(" ")) {
        ProcStat s = ProcStat.of(Long.parseLong(child));
        if (s != null && s.ppid() == pid && !nodes.contains((long) s.pid()) && !isWatchdog(s)) {
          children.add(s);
        }
      }
    }
    return children;
  }

  /** The host's children that exited and were not reaped. */
  public List<ProcStat> zombies() {
    return children().stream().filter(ProcStat::zombie).toList();
  }

  /** Fails, naming them, if the host has children (running or zombie) left: the check of the suites' ends. */
  public void assertNoChildrenLeft(String when) {
    List<ProcStat> left = children();
    if (!left.isEmpty()) {
      throw new AssertionError("children (or zombies) of " + name + " left " + when + ": " + left);
    }
  }

  /** Fails, naming them, if the host has zombie children: exited and not reaped. */
  public void assertNoZombies(String when) {
    List<ProcStat> zombies = zombies();
    if (!zombies.isEmpty()) {
      throw new AssertionError("zombies left on " + name + " " + when + ": " + zombies);
    }
  }

  /** Open descriptors of the host JVM ({@code /proc/<pid>/fd}). */
  public long fdCount() {
    return list(Path.of("/proc", Long.toString(pid), "fd")).size();
  }

  /**
   * Threads of the host JVM ({@code /proc/<pid>/task}) but those the JVM starts and stops by itself as load
   * changes (JIT compiler and GC worker threads): the threads Java code, the engine's included, started.
   */
  public int threadCount() {
    return (int) ofEachThread("comm").stream().filter(name -> ELASTIC_JVM_THREADS.stream().noneMatch(name::startsWith))
      .count();
  }

  /** {@code /proc/<pid>/task/<tid>/<file>} of each thread of the host, trimmed; threads that end meanwhile left out. */
  private List<String> ofEachThread(String file) {
    List<String> contents = new ArrayList<>();
    for (Path task : list(Path.of("/proc", Long.toString(pid), "task"))) {
      try {
        contents.add(Files.readString(task.resolve(file)).trim());
      } catch (IOException threadGone) {
        // not counted
      }
    }
    return contents;
  }

  private static boolean isWatchdog(ProcStat s) {
    try {
      String cmdline = new String(Files.readAllBytes(Path.of("/proc", Integer.toString(s.pid()), "cmdline")),
        StandardCharsets.UTF_8);
      return List.of(cmdline.split("\0")).contains(WATCHDOG_MAIN);
    } catch (IOException gone) {
      return false;
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (NoSuchFileException gone) {
      throw new AssertionError("no process " + dir.getParent().getFileName() + ": the host JVM is gone");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
