package io.procbus.cli;

import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.procbus.protocol.Replay;
import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code procbus logs ID}: shows a process's output as an observer (docs/protocol.md, Observers): what the node
 * still keeps of it ({@code replay}), then what it writes from then on, until it closes. It subscribes first,
 * then asks for the replay, and shows the live events from the replay's {@code nextSeq} on: each byte once. It
 * never grants credit, so it never slows the process or its owner; events the node no longer keeps, or could
 * not deliver, are reported on stderr; a reader too slow for the bridge is disconnected by the node.
 */
final class LogsCommand {

  private final BridgeConnection bridge;
  private final String service;
  private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
  private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);
  private final CompletableFuture<Integer> done = new CompletableFuture<>();
  /** Live events that came before the replay's reply. */
  private final List<JsonObject> held = new ArrayList<>();
  private String eventAddress;
  /** The next sequence number to show; -1 until the replay's reply. */
  private long nextSeq = -1;

  LogsCommand(BridgeConnection bridge, String service) {
    this.bridge = bridge;
    this.service = service;
  }

  /** Shows process {@code id}'s kept output, then follows it until it closes; returns the exit status. */
  int follow(String id) throws CliException {
    JsonObject info = (JsonObject) Cli.call(bridge, service, "info", new JsonObject().put("id", id));
    String instance = info.getString("serviceAddress", service);
    if (ended(info)) {
      synchronized (this) {
        replayed(replay(instance, id));
      }
      System.err.println("procbus: process " + id + " has ended (exit " + Tables.exitText(info.getJsonObject(
        "exitStatus")) + ")");
      return 0;
    }
    eventAddress = info.getString("eventAddress");
    bridge.onFrame(this::frame);
    bridge.lost().thenAccept(why -> done.completeExceptionally(new CliException(BridgeConnection.PROCBUS_FAILED,
      "lost the connection to " + bridge.where() + ": " + why)));
    try {
      bridge.send(new JsonObject().put("type", "register").put("address", eventAddress));
    } catch (IOException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "lost the connection to " + bridge.where() + ": " + e);
    }
    // the bridge handles the replay after the registration took: every event is in the reply or comes live
    JsonObject reply = replay(instance, id);
    System.err.println("procbus: following process " + id + " (the output kept, then live; Ctrl-C to stop)");
    synchronized (this) {
      replayed(reply);
      held.forEach(this::show);
      held.clear();
    }
    try {
      return done.join();
    } catch (RuntimeException e) {
      throw e.getCause() instanceof CliException c ? c
        : new CliException(BridgeConnection.PROCBUS_FAILED, String.valueOf(e.getMessage()));
    }
  }

  private JsonObject replay(String instance, String id) throws CliException {
    return (JsonObject) Cli.call(bridge, instance, "replay", new JsonObject().put("id", id).put("fromSeq", 0));
  }

  private static boolean ended(JsonObject info) {
    return "CLOSED".equals(info.getString("state"));
  }

  /** Shows the replay's reply: what it missed, its events; live events are shown from its {@code nextSeq} on. */
  private void replayed(JsonObject reply) {
    JsonObject missed = reply.getJsonObject(Replay.MISSED);
    if (missed != null) {
      System.err.println("procbus: " + missed.getLong(Replay.COUNT) + " earlier events no longer kept by the node"
        + " (seq " + missed.getLong(Replay.FROM_SEQ) + " to " + missed.getLong(Replay.TO_SEQ) + ")");
    }
    for (Object o : reply.getJsonArray(Replay.EVENTS)) {
      JsonObject e = (JsonObject) o;
      output(e.getString(Replay.TYPE), e.getValue(Replay.BODY));
    }
    nextSeq = reply.getLong(Replay.NEXT_SEQ);
  }

  private synchronized void frame(JsonObject f) {
    if (!eventAddress.equals(f.getString("address"))) {
      return;
    }
    if ("err".equals(f.getString("type"))) {
      done.completeExceptionally(new CliException(Cli.FAILED, String.valueOf(f.getString("message"))));
    } else if (nextSeq < 0) {
      held.add(f);
    } else {
      show(f);
    }
  }

  /** A live event: shown unless the replay had it; a gap before it is reported. */
  private void show(JsonObject f) {
    JsonObject headers = f.getJsonObject("headers", new JsonObject());
    long seq = Long.parseLong(headers.getString(Headers.SEQ, "-1"));
    if (seq < nextSeq) {
      return;
    }
    if (seq > nextSeq) {
      System.err.println("procbus: " + (seq - nextSeq) + " events not delivered to this observer (seq " + nextSeq
        + " to " + (seq - 1) + ")");
    }
    nextSeq = seq + 1;
    output(headers.getString(Headers.TYPE), f.getValue("body"));
  }

  private void output(String type, Object body) {
    try {
      if (EventType.STDOUT.wire().equals(type)) {
        stdout.write(Base64.getUrlDecoder().decode(((JsonObject) body).getString(EventFields.DATA)));
      } else if (EventType.STDERR.wire().equals(type)) {
        stderr.write(Base64.getUrlDecoder().decode(((JsonObject) body).getString(EventFields.DATA)));
      } else if (EventType.CLOSED.wire().equals(type)) {
        done.complete(0);
      }
    } catch (IOException e) {
      done.complete(0); // our reader went away: nothing more to show
    }
  }
}
