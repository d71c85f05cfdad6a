package io.procbus.bridge;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The connections of the SockJS bridge: one SockJS message per frame, at most
 * {@link BridgeVerticle#MAX_FRAME_BYTES}, decoded and handed to the {@link Edge}; aborted at once when the client
 * does not read. Runs on the bridge verticle's context.
 */
final class SockJsConnections implements Handler<SockJSSocket> {

  private final Edge edge;

  SockJsConnections(Edge edge) {
    this.edge = edge;
  }

  @Override
  public void handle(SockJSSocket socket) {
    socket.setWriteQueueMaxSize(BridgeVerticle.MAX_WRITE_QUEUE_BYTES);
    EdgeSession session = new EdgeSession(EdgeSession.Transport.SOCKJS, socket, socket::close,
      () -> abort(socket), "sockjs bridge connection from " + socket.remoteAddress());
    socket.handler(data -> {
      if (session.closing) {
        return;
      }
      if (data.length() > BridgeVerticle.MAX_FRAME_BYTES) {
        edge.tooLarge(session, "a message of " + data.length() + " bytes");
        return;
      }
      Object value;
      try {
        value = Json.decodeValue(data);
      } catch (DecodeException e) {
        value = null;
      }
      edge.frame(session, value);
    });
    socket.closeHandler(v -> edge.closed(session));
    socket.exceptionHandler(e -> socket.close());
    edge.opened(session);
  }

  /**
   * Closes a SockJS connection now. Its {@code close()}, and the HTTP connection's, wait for the queued writes,
   * which a client that does not read never lets flush: so the Netty channel is closed (Vert.x 5.0 internals,
   * with the graceful close as the fallback).
   */
  private static void abort(SockJSSocket socket) {
    HttpConnection connection = socket.routingContext().request().connection();
    if (connection instanceof ConnectionBase base) {
      base.channel().close();
    } else {
      socket.close();
    }
  }
}
