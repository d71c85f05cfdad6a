package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one service instance by id, and how many of them run, in all and per owner, against the
 * instance's limits. A process is counted from its reservation (before its spawn) to its exit, and listed from
 * its start until it is forgotten after closing. Used on the service's context only.
 */
final class ProcessTable {

  private final ServiceSettings settings;
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
  private final Map<String, Integer> liveByOwner = new HashMap<>();
  private int live;

  ProcessTable(ServiceSettings settings) {
    this.settings = settings;
  }

  /**
   * Refuses one more process of {@code owner} ({@code null}: a detached one) with {@code LIMIT_REACHED} when the
   * instance or the owner runs its maximum.
   */
  void checkRoom(String owner) {
    if (live >= settings.maxProcesses()) {
      throw new ProcessException(ErrorCode.LIMIT_REACHED, "service instance " + settings.instance() + " runs "
        + live + " processes (maxProcesses " + settings.maxProcesses() + ")");
    }
    if (owner != null && liveOf(owner) >= settings.maxProcessesPerOwner()) {
      throw new ProcessException(ErrorCode.LIMIT_REACHED, "owner " + owner + " runs " + liveByOwner.get(owner)
        + " processes (maxProcessesPerOwner " + settings.maxProcessesPerOwner() + ")");
    }
  }

  /** Counts a process of {@code owner} about to be spawned. */
  void reserve(String owner) {
    live++;
    if (owner != null) {
      liveByOwner.merge(owner, 1, Integer::sum);
    }
  }

  /** Stops counting a process of {@code owner}: it exited, or its spawn failed. */
  void unreserve(String owner) {
    live--;
    if (owner != null) {
      liveByOwner.computeIfPresent(owner, (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  /** Processes counted now. */
  int live() {
    return live;
  }

  /** Processes of {@code owner} counted now. */
  int liveOf(String owner) {
    return liveByOwner.getOrDefault(owner, 0);
  }

  /** Lists a started process. */
  void add(ManagedProcess p) {
    processes.put(p.id, p);
  }

  /** Forgets {@code p}, if it is still the process listed under its id. */
  void remove(ManagedProcess p) {
    processes.remove(p.id, p);
  }

  /** The process {@code id}, or {@code null}. */
  ManagedProcess get(String id) {
    return processes.get(id);
  }

  /** The process {@code id}: {@code INVALID_ARGUMENT} without an id, {@code UNKNOWN_PROCESS} without a process. */
  ManagedProcess find(String id) {
    if (id == null) {
      throw new ProcessException(ErrorCode.INVALID_ARGUMENT, "id is required");
    }
    ManagedProcess p = processes.get(id);
    if (p == null) {
      throw new ProcessException(ErrorCode.UNKNOWN_PROCESS, "no process " + id + " on service instance "
        + settings.instance());
    }
    return p;
  }

  /** The process {@code id} if {@code owner} may command it, else {@code NOT_OWNER}. */
  ManagedProcess owned(String id, String owner) {
    ManagedProcess p = find(id);
    if (p.owner != null && !p.owner.equals(owner)) {
      throw new ProcessException(ErrorCode.NOT_OWNER, "process " + id + " is not owned by " + owner);
    }
    return p;
  }

  /** The process with OS pid {@code pid}, or {@code null}. */
  ManagedProcess byPid(int pid) {
    for (ManagedProcess p : processes.values()) {
      if (p.pid() == pid) {
        return p;
      }
    }
    return null;
  }

  /** Whether {@code owner} waits for the reply of a run still in progress: its proof of life. */
  boolean hasRunInProgress(String owner) {
    for (ManagedProcess p : processes.values()) {
      if (p.isRun() && owner.equals(p.owner) && !p.isClosed() && !p.isGivenUp()) {
        return true;
      }
    }
    return false;
  }

  /** The listed processes, a copy in spawn order. */
  List<ManagedProcess> all() {
    return new ArrayList<>(processes.values());
  }

  /** The info of every listed process, in spawn order. */
  List<ProcessInfo> infos() {
    List<ProcessInfo> all = new ArrayList<>(processes.size());
    processes.values().forEach(p -> all.add(p.info()));
    return all;
  }
}
