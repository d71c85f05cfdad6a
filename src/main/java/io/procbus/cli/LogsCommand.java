package io.procbus.cli;

import io.procbus.protocol.EventFields;
import io.procbus.protocol.EventType;
import io.procbus.protocol.Headers;
import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * {@code procbus logs ID}: follows a process's output as an observer (docs/protocol.md, Observers). It never
 * grants credit, so it never slows the process or its owner; the node keeps no history, so it shows what is
 * published from its subscription on. A gap in {@code seq} after the first event it sees is reported on stderr;
 * a reader too slow for the bridge is disconnected by the node (never the process slowed).
 */
final class LogsCommand {

  private final BridgeConnection bridge;
  private final String service;
  private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
  private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);
  private final CompletableFuture<Integer> done = new CompletableFuture<>();
  private String eventAddress;
  private long nextSeq = -1;

  LogsCommand(BridgeConnection bridge, String service) {
    this.bridge = bridge;
    this.service = service;
  }

  /** Follows process {@code id} until it closes; returns the exit status of the command. */
  int follow(String id) throws CliException {
    JsonObject info = (JsonObject) Cli.call(bridge, service, "info", new JsonObject().put("id", id));
    if (ended(info)) {
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
    // it may have closed before the registration took: then no event would ever come
    if (ended((JsonObject) Cli.call(bridge, service, "info", new JsonObject().put("id", id)))) {
      done.complete(0);
    } else {
      System.err.println("procbus: following process " + id + " (output from now on; Ctrl-C to stop)");
    }
    try {
      return done.join();
    } catch (RuntimeException e) {
      throw e.getCause() instanceof CliException c ? c
        : new CliException(BridgeConnection.PROCBUS_FAILED, String.valueOf(e.getMessage()));
    }
  }

  private static boolean ended(JsonObject info) {
    if (!"CLOSED".equals(info.getString("state"))) {
      return false;
    }
    System.err.println("procbus: process " + info.getString("id") + " has ended (exit "
      + Cli.exitText(info.getJsonObject("exitStatus")) + "); procbus keeps no output history");
    return true;
  }

  private void frame(JsonObject f) {
    if (!eventAddress.equals(f.getString("address"))) {
      return;
    }
    if ("err".equals(f.getString("type"))) {
      done.completeExceptionally(new CliException(Cli.FAILED, String.valueOf(f.getString("message"))));
      return;
    }
    JsonObject headers = f.getJsonObject("headers", new JsonObject());
    long seq = Long.parseLong(headers.getString(Headers.SEQ, "-1"));
    if (nextSeq >= 0 && seq > nextSeq) {
      System.err.println("procbus: " + (seq - nextSeq) + " events not delivered to this observer (seq " + nextSeq
        + " to " + (seq - 1) + ")");
    }
    nextSeq = seq + 1;
    String type = headers.getString(Headers.TYPE);
    try {
      if (EventType.STDOUT.wire().equals(type)) {
        stdout.write(Base64.getUrlDecoder().decode(f.getJsonObject("body").getString(EventFields.DATA)));
      } else if (EventType.STDERR.wire().equals(type)) {
        stderr.write(Base64.getUrlDecoder().decode(f.getJsonObject("body").getString(EventFields.DATA)));
      } else if (EventType.CLOSED.wire().equals(type)) {
        done.complete(0);
      }
    } catch (IOException e) {
      done.complete(0); // our reader went away: nothing more to show
    }
  }
}
