package io.procbus.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;

/**
 * Splits a TCP bridge stream into frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (the
 * wire format of {@code vertx-tcp-eventbus-bridge}). A length above the maximum (or negative) is a protocol
 * violation: {@code oversize} is called and nothing more is parsed. Holds at most one frame.
 */
final class TcpFrameParser implements Handler<Buffer> {

  private final int maxFrameBytes;
  private final Handler<Object> frame;
  private final Handler<Integer> oversize;
  private Buffer pending = Buffer.buffer();
  private boolean failed;

  /** {@code frame} gets each decoded value ({@code null} for JSON that does not parse). */
  TcpFrameParser(int maxFrameBytes, Handler<Object> frame, Handler<Integer> oversize) {
    this.maxFrameBytes = maxFrameBytes;
    this.frame = frame;
    this.oversize = oversize;
  }

  @Override
  public void handle(Buffer data) {
    if (failed) {
      return;
    }
    pending.appendBuffer(data);
    int offset = 0;
    while (pending.length() - offset >= 4) {
      int length = pending.getInt(offset);
      if (length < 0 || length > maxFrameBytes) {
        failed = true;
        pending = Buffer.buffer();
        oversize.handle(length);
        return;
      }
      if (pending.length() - offset - 4 < length) {
        break;
      }
      Buffer json = pending.getBuffer(offset + 4, offset + 4 + length);
      offset += 4 + length;
      Object value;
      try {
        value = Json.decodeValue(json);
      } catch (DecodeException e) {
        value = null;
      }
      frame.handle(value);
      if (failed) {
        return;
      }
    }
    if (offset > 0) {
      pending = pending.getBuffer(offset, pending.length());
    }
  }

  /** Stops parsing (the connection is closing). */
  void stop() {
    failed = true;
    pending = Buffer.buffer();
  }
}
