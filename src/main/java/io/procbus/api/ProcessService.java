package io.procbus.api;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The commands of a procbus service, as an event-bus service proxy. Streams do not go through it: each
 * process publishes its output and exit on its own event address (see {@code docs/protocol.md}).
 *
 * <p>Every method fails with a {@code ServiceException} whose {@code failureCode()} is an
 * {@link ErrorCode#code()}. A bridge client sends a JSON body keyed by parameter name with an
 * {@code action} header naming the method; a body that is not such an object, a field of the wrong type
 * or an unknown action fails with {@code MALFORMED}. Commands about a process ({@code id}) go to its
 * instance's address ({@link ProcessInfo#getServiceAddress()}); elsewhere they fail with
 * {@code UNKNOWN_PROCESS}. Any command naming an owner renews that owner's lease.
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
   * address, so a client that subscribes to the event address first cannot miss a byte. Unset streams are
   * pipes.
   *
   * <p>{@link SpawnRequest#getNode()} says where: the least-loaded live node (unset or {@code "any"}; placement
   * by live children and capacity happens in a cluster only, elsewhere the receiving instance runs it), the
   * receiving instance ({@code "local"}), or a named node. The reply names the instance that owns the child.
   *
   * <p><em>Errors:</em> {@code INVALID_ARGUMENT}, {@code SPAWN_FAILED}, {@code LIMIT_REACHED}, {@code TIMEOUT}
   * (the spawn took longer than the service's spawn timeout), {@code CLOSED}, {@code UNKNOWN_NODE} (no live
   * instance serves the named node).
   */
  Future<ProcessInfo> spawn(SpawnRequest request);

  /**
   * Runs a process to completion and returns its captured output, like Python's {@code subprocess.run}.
   * asyncio: {@code communicate()}. It publishes no events.
   *
   * <p><em>Errors:</em> as {@link #spawn}; {@code PAYLOAD_TOO_LARGE} (input above the stdin message limit);
   * {@code TIMEOUT} when {@code timeoutMillis} passed (the kill signal was sent); {@code TERMINATED} when the
   * service gave the process up; {@code UNKNOWN_NODE}; {@code NODE_LOST} when the node running it stopped
   * answering. It runs where {@link SpawnRequest#getNode()} of its spawn says, as for {@link #spawn}.
   */
  Future<RunResult> run(RunRequest request);

  /**
   * Writes to a process's stdin; completes when the engine took the bytes, so a fast writer is paced by a
   * slow child. <em>Errors:</em> {@code UNKNOWN_PROCESS}, {@code NOT_OWNER}, {@code PAYLOAD_TOO_LARGE},
   * {@code STDIN_FULL}, {@code BROKEN_PIPE}, {@code CONNECTION_RESET}, {@code INVALID_ARGUMENT} (stdin is not
   * a pipe).
   */
  Future<Void> writeStdin(String id, String owner, Buffer data);

  /**
   * Closes a process's stdin once queued bytes are written; completes when it is closed (the child reads
   * EOF), or fails with the error the pipe was lost with. asyncio: {@code write_eof()}.
   */
  Future<Void> closeStdin(String id, String owner);

  /**
   * Closes one pipe now: {@code fd} 0 drops the queued stdin bytes (asyncio: {@code abort()}), 1 or 2 closes
   * the read end, so the child's next write to it fails with {@code EPIPE}.
   * <em>Errors:</em> {@code INVALID_ARGUMENT} for another fd or a stream that is not a pipe.
   */
  Future<Void> closePipe(String id, String owner, int fd);

  /**
   * Kills the process (SIGKILL) if it runs and closes every pipe; its {@code exit} and {@code closed} events
   * still follow. Idempotent. asyncio: {@code SubprocessTransport.close()}.
   */
  Future<Void> closeProcess(String id, String owner);

  /**
   * Sends a signal (a name such as {@code "TERM"} or {@code "SIGTERM"}, or a number such as {@code "10"}) to
   * the process, or to its process group when {@code group} is true. <em>Errors:</em> {@code PROCESS_LOOKUP}
   * after exit (nothing is sent); {@code INVALID_ARGUMENT} for an unknown signal, or a group signal to a
   * process that leads no group.
   */
  Future<Void> signal(String id, String owner, String signal, boolean group);

  /**
   * Sets the window size of a process's pseudo-terminal (see {@link ProcessOptions#getTerminal()}); the kernel
   * sends SIGWINCH to the terminal's foreground process group. <em>Errors:</em> {@code UNKNOWN_PROCESS},
   * {@code NOT_OWNER}, {@code INVALID_ARGUMENT} (the process has no terminal, or a side is outside 1–65535),
   * {@code PROCESS_LOOKUP} after exit.
   */
  Future<Void> resize(String id, String owner, int cols, int rows);

  /** The state of one process (anyone may ask). <em>Errors:</em> {@code UNKNOWN_PROCESS}. */
  Future<ProcessInfo> info(String id);

  /**
   * The events of process {@code id} the service still keeps, from sequence number {@code fromSeq} on, as a
   * JSON object (see {@code docs/protocol.md}, {@code replay}): {@code events}, a {@code missed} range for those
   * no longer kept, and {@code nextSeq}, the first event a subscriber registered before the request gets live.
   * {@code owner} is informational (a bridge sets it); anyone may ask, as for {@code info}.
   * <em>Errors:</em> {@code UNKNOWN_PROCESS}; {@code INVALID_ARGUMENT} for a negative {@code fromSeq}.
   */
  Future<JsonObject> replay(String id, String owner, long fromSeq);

  /** The processes of this service instance (through {@code <prefix>.service}: of one instance). */
  Future<List<ProcessInfo>> list();

  /** Renews the lease of {@code owner}; returns the lease length in milliseconds. */
  Future<Long> renewLease(String owner);

  /**
   * The service instances this one hears heartbeats from, itself included: node, instance, address, live
   * children, capacity and when each was last heard from. An instance silent for longer than the node
   * timeout, or that announced it is leaving, is not listed.
   */
  Future<List<NodeInfo>> nodes();

  /**
   * Ends the lease of {@code owner} now: its non-detached children are terminated (TERM, grace, KILL);
   * completes once they are all reaped.
   */
  Future<Void> release(String owner);
}
