package io.procbus.bridge;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The connections of the TCP bridge: each socket's stream split into frames ({@link TcpFrameParser}, at most
 * {@link BridgeVerticle#MAX_FRAME_BYTES}) and handed to the {@link Edge}; closed so that the client gets the last
 * frame written, or aborted at once when it does not read. Runs on the bridge verticle's context.
 */
final class TcpConnections implements Handler<NetSocket> {

  private final Vertx vertx;
  private final Edge edge;

  TcpConnections(Vertx vertx, Edge edge) {
    this.vertx = vertx;
    this.edge = edge;
  }

  @Override
  public void handle(NetSocket socket) {
    socket.setWriteQueueMaxSize(BridgeVerticle.MAX_WRITE_QUEUE_BYTES);
    // abort: now, not after the queued writes, which a client that does not read would never let flush
    EdgeSession session = new EdgeSession(EdgeSession.Transport.TCP, socket, () -> closeAfterLastFrame(socket),
      () -> ((NetSocketInternal) socket).channelHandlerContext().close(),
      "tcp bridge connection from " + socket.remoteAddress());
    TcpFrameParser parser = new TcpFrameParser(BridgeVerticle.MAX_FRAME_BYTES, value -> edge.frame(session, value),
      length -> edge.tooLarge(session, "a frame of " + length + " bytes (or the stream is not framed)"));
    socket.handler(parser);
    socket.closeHandler(v -> {
      parser.stop();
      edge.closed(session);
    });
    socket.exceptionHandler(e -> socket.close());
    edge.opened(session);
  }

  /**
   * Closes a TCP connection so that the client gets the last frame written (an error, say): after the queued
   * writes the write side is shut down (FIN), then what the client still sends (the rest of an oversized frame)
   * is read and dropped until it closes too, or for {@link BridgeVerticle#CLOSE_LINGER_MILLIS} at most. Closing
   * with unread input at once would make the kernel answer with a reset, and the client could lose that last
   * frame.
   */
  private void closeAfterLastFrame(NetSocket socket) {
    socket.handler(dropped -> { });
    socket.resume();
    ChannelHandlerContext ctx = ((NetSocketInternal) socket).channelHandlerContext();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
        duplex.shutdownOutput();
      } else {
        ctx.close();
      }
    });
    vertx.setTimer(BridgeVerticle.CLOSE_LINGER_MILLIS, t -> socket.close());
  }
}
