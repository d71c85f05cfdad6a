package io.procbus.api;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The commands of a procbus service, as an event-bus service proxy. Streams do not go through it: each
 * process publishes its output and exit on its own event address (see {@code docs/protocol.md}).
 *
 * <p>Every method fails with a {@code ServiceException} whose {@code failureCode()} is an
 * {@link ErrorCode#code()}. A bridge client sends a JSON body keyed by parameter name with an
 * {@code action} header naming the method.
 */
@ProxyGen
@VertxGen
public interface ProcessService {

  /** A proxy to the service at {@code address} ({@code <prefix>.service} or an instance address). */
  static ProcessService createProxy(Vertx vertx, String address) {
    return new ProcessServiceVertxEBProxy(vertx, address);
  }

  /**
   * Starts a process. It reads nothing and publishes nothing until its owner grants credit on the control
   * address, so a client that subscribes to the event address first cannot miss a byte.
   *
   * <p><em>Errors:</em> {@code INVALID_ARGUMENT}, {@code SPAWN_FAILED}, {@code LIMIT_REACHED}, {@code CLOSED}.
   */
  Future<ProcessInfo> spawn(SpawnRequest request);

  /** Runs a process to completion and returns its captured output. asyncio: {@code communicate()}. */
  Future<RunResult> run(RunRequest request);

  /**
   * Writes to a process's stdin; completes when the engine took the bytes, so a fast writer is paced by a
   * slow child. <em>Errors:</em> {@code UNKNOWN_PROCESS}, {@code NOT_OWNER}, {@code PAYLOAD_TOO_LARGE},
   * {@code STDIN_FULL}, {@code BROKEN_PIPE}, {@code INVALID_ARGUMENT} (stdin is not a pipe).
   */
  Future<Void> writeStdin(String id, String owner, Buffer data);

  /** Closes a process's stdin once queued bytes are written; the child reads EOF. */
  Future<Void> closeStdin(String id, String owner);

  /**
   * Sends a signal (a name such as {@code "TERM"} or a number such as {@code "10"}) to the process, or to
   * its process group when {@code group} is true. <em>Errors:</em> {@code PROCESS_LOOKUP} after exit.
   */
  Future<Void> signal(String id, String owner, String signal, boolean group);

  /** The state of one process. */
  Future<ProcessInfo> info(String id);

  /** The processes of this service instance (of every instance, through {@code <prefix>.service}: one of them). */
  Future<List<ProcessInfo>> list();

  /** Renews the lease of {@code owner}; returns the lease length in milliseconds. */
  Future<Long> renewLease(String owner);

  /** Ends the lease of {@code owner} now: its non-detached children are terminated. */
  Future<Void> release(String owner);
}
