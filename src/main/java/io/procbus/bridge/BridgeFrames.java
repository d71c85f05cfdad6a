package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.FailureCodec;
import io.procbus.protocol.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The JSON frames the bridges write: replies, errors and events (chunks in their JSON form). */
final class BridgeFrames {

  private BridgeFrames() {
  }

  /** An error frame with a procbus code: {@link FailureCodec#errorFrame(String, ErrorCode, String)}. */
  static JsonObject error(String address, ErrorCode code, String message) {
    return FailureCodec.errorFrame(address, code, message);
  }

  /** The error frame of a failed request: {@link FailureCodec#errorFrame(String, String, Throwable)}. */
  static JsonObject failure(String replyAddress, String sourceAddress, Throwable t) {
    return FailureCodec.errorFrame(replyAddress, sourceAddress, t);
  }

  /** A reply frame. */
  static JsonObject reply(EdgeSession s, String replyAddress, Object body) {
    return new JsonObject().put("type", s.messageType()).put("address", replyAddress)
      .put("headers", new JsonObject()).put("body", body).put("send", true);
  }

  /** An event frame: the event's headers and {@code body}, its {@link #jsonBody JSON form}. */
  static JsonObject event(EdgeSession s, Message<?> m, Object body) {
    JsonObject headers = new JsonObject();
    for (Map.Entry<String, String> h : m.headers()) {
      headers.put(h.getKey(), h.getValue());
    }
    return new JsonObject().put("type", s.messageType()).put("address", m.address()).put("headers", headers)
      .put("body", body).put("send", false);
  }

  /**
   * The JSON form of an event's body, computed once per event and shared by the sessions that get it: a chunk's
   * {@code Buffer} becomes {@code {"stream":"stdout","seq":0,"data":"<base64url>"}}.
   */
  static Object jsonBody(Message<?> m) {
    if (m.body() instanceof Buffer data) {
      String type = m.headers().get(Headers.TYPE);
      String seq = m.headers().get(Headers.SEQ);
      JsonObject chunk = new JsonObject().put(EventFields.STREAM, type == null ? EventType.STDOUT.wire() : type);
      try {
        chunk.put(EventFields.SEQ, seq == null ? null : Long.parseLong(seq));
      } catch (NumberFormatException e) {
        chunk.put(EventFields.SEQ, (Long) null);
      }
      return chunk.put(EventFields.DATA, EventFields.data(data));
    }
    return m.body();
  }
}
