package io.procbus.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Starts child processes on the Vert.x event loop. asyncio: {@code create_subprocess_exec/shell} and
 * {@code loop.subprocess_exec/shell}.
 *
 * <p>A child is bound to the context that starts it: its futures complete and its handlers run there.
 * Its pipes and its exit are watched by that context's own event loop (no thread per child or per pipe),
 * which needs Vert.x's native epoll transport: create Vert.x with
 * {@code new VertxOptions().setPreferNativeTransport(true)} on Linux 5.4 or later. Without it every spawn
 * fails with {@link ErrorCode#SPAWN_FAILED} and a message saying so.
 *
 * <p>A spawn failure (no such program, not executable, bad cwd or file) fails the future with
 * {@link ErrorCode#SPAWN_FAILED} naming the errno; no process handle and no fake exit code exist.
 */
public interface ProcessEngine {

  /** An engine with default options. */
  static ProcessEngine create(Vertx vertx) {
    return create(vertx, new EngineOptions());
  }

  /**
   * An engine with {@code options}: the in-JVM engine, found through {@link ProcessEngineProvider} so that
   * this API names no implementation (a client-only class path has none, and this throws
   * {@link IllegalStateException}).
   */
  static ProcessEngine create(Vertx vertx, EngineOptions options) {
    return ProcessEngineProvider.load().create(vertx, options);
  }

  /**
   * Runs {@code argv[0]} with arguments {@code argv[1..]}, no shell. A program name without {@code /} is
   * looked up in the child's {@code PATH}. Unset streams are inherited. asyncio: {@code create_subprocess_exec}.
   */
  Future<ChildProcess> exec(List<String> argv, ProcessOptions options);

  /**
   * Runs {@code command} with {@code /bin/sh -c}. Unset streams are inherited. {@link #pid} is the shell's.
   * Quote untrusted parts with {@link Shlex#quote}. asyncio: {@code create_subprocess_shell}.
   */
  Future<ChildProcess> shell(String command, ProcessOptions options);

  /** Low-level {@link #exec}: events go to {@code protocol}; unset streams are pipes. asyncio: {@code loop.subprocess_exec}. */
  Future<SubprocessTransport> subprocessExec(SubprocessProtocol protocol, List<String> argv, ProcessOptions options);

  /** Low-level {@link #shell}: events go to {@code protocol}; unset streams are pipes. asyncio: {@code loop.subprocess_shell}. */
  Future<SubprocessTransport> subprocessShell(SubprocessProtocol protocol, String command, ProcessOptions options);

  /** Number of children started and not yet reaped. */
  int liveCount();

  /**
   * Refuses new spawns ({@link ErrorCode#CLOSED}), sends SIGTERM to every live child, SIGKILL to those still
   * alive after {@link EngineOptions#getKillGraceMillis()}, and completes once all are reaped.
   */
  Future<Void> close();
}
