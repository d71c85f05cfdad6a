package io.procbus.bridge;

import io.procbus.auth.Principal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * One bridge connection (TCP or SockJS), as the {@link Edge} sees it: its principal once authenticated, its
 * registrations and its requests in flight. Touched on the bridge verticle's context only.
 */
final class EdgeSession {

  /** How a transport frames what it writes. */
  enum Transport {
    /** 4-byte length + JSON; delivered messages are {@code message} frames; pings are answered. */
    TCP("message", true),
    /** One SockJS message per frame; delivered messages are {@code rec} frames; pings are keep-alives. */
    SOCKJS("rec", false);

    final String messageType;
    final boolean pongs;

    Transport(String messageType, boolean pongs) {
      this.messageType = messageType;
      this.pongs = pongs;
    }
  }

  private final Transport transport;
  private final WriteStream<Buffer> out;
  private final Runnable close;
  private final Runnable abort;
  private final String description;

  /** The principal, once a frame carried a valid token. */
  Principal principal;
  /** Registered event addresses. */
  final Set<String> registrations = new HashSet<>();
  /** Requests sent to the service and not yet answered. */
  int inFlight;
  boolean closed;
  /** Set once the bridge refused a frame and is closing the connection: later frames are ignored. */
  boolean closing;
  /** Frames that arrived while a {@code register} was looking its process up: handled, in order, after it. */
  final Deque<Object> held = new ArrayDeque<>();
  /** Whether a {@code register} is looking its process up (the transport is paused meanwhile). */
  boolean holding;

  /**
   * A connection writing to {@code out}; {@code close} closes it once what is queued is written, {@code abort}
   * at once (for a client that does not read).
   */
  EdgeSession(Transport transport, WriteStream<Buffer> out, Runnable close, Runnable abort, String description) {
    this.transport = transport;
    this.out = out;
    this.close = close;
    this.abort = abort;
    this.description = description;
  }

  /** The frame type of a delivered message: {@code message} (TCP bridge) or {@code rec} (SockJS bridge). */
  String messageType() {
    return transport.messageType;
  }

  /** Writes one frame (nothing once closed). */
  void write(JsonObject frame) {
    if (closed) {
      return;
    }
    Buffer json = frame.toBuffer();
    out.write(transport == Transport.TCP ? Buffer.buffer(json.length() + 4).appendInt(json.length())
      .appendBuffer(json) : json);
  }

  /** Whether the connection's write queue is full (the client does not read). */
  boolean writeQueueFull() {
    return out.writeQueueFull();
  }

  /** Answers a {@code ping}: {@code {"type":"pong"}} on TCP; nothing on SockJS (its client expects none). */
  void pong() {
    if (transport.pongs) {
      write(new JsonObject().put("type", "pong"));
    }
  }

  /**
   * Pauses ({@code true}) or resumes reading the connection, so that frames held behind a {@code register} stay
   * few: both transports' sockets ({@code NetSocket}, {@code SockJSSocket}) are read streams too.
   */
  void reading(boolean on) {
    if (out instanceof ReadStream<?> in) {
      if (on) {
        in.resume();
      } else {
        in.pause();
      }
    }
  }

  /** Closes the connection once what is queued is written. */
  void closeConnection() {
    close.run();
  }

  /** Closes the connection now, dropping what is queued. */
  void abortConnection() {
    abort.run();
  }

  /** A description for logs: transport and remote address. */
  String describe() {
    return description;
  }
}
