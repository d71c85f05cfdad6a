package io.procbus.verticle;

import io.procbus.policy.CommandPolicy;
import io.procbus.protocol.FailureCodec;
import io.procbus.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceInterceptor;
import java.util.Map;

/**
 * Refuses a {@code spawn} or {@code run} that a bridge forwarded ({@link Headers#ORIGIN} {@code bridge}) without an
 * {@code admission}, with {@code DENIED}: what comes through a bridge runs only as the bridge admitted it. Whether
 * an admission is valid is checked where the request runs (it may be forwarded, and headers are not).
 */
final class BridgeOriginCheck implements ServiceInterceptor {

  @Override
  public Future<Message<JsonObject>> intercept(Vertx vertx, Map<String, Object> context, Message<JsonObject> message) {
    if (!Headers.ORIGIN_BRIDGE.equals(message.headers().get(Headers.ORIGIN))) {
      return Future.succeededFuture(message);
    }
    String action = message.headers().get(Headers.ACTION);
    JsonObject body = message.body();
    JsonObject spawn = null;
    if ("spawn".equals(action)) {
      spawn = body.getJsonObject("request");
    } else if ("run".equals(action) && body.getJsonObject("request") != null) {
      spawn = body.getJsonObject("request").getJsonObject("spawn");
    }
    if (spawn != null && spawn.getValue("admission") == null) {
      return Future.failedFuture(FailureCodec.toServiceException(
        CommandPolicy.deny("admission", "a request from a bridge carries no admission")));
    }
    return Future.succeededFuture(message);
  }
}
