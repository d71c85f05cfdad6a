package io.procbus.cli;

import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * Our stdin to a process's stdin, for {@code procbus run}: what is available, up to one write of {@code piece}
 * bytes, while fewer than {@link RunCommand#STDIN_UNACKED} bytes are unacknowledged; at our EOF, once every write
 * is acknowledged, {@code closeStdin}. A refused write (the child closed its stdin or exited) stops it: the rest
 * is not wanted.
 */
final class StdinPump implements Runnable {

  private final BridgeConnection bridge;
  private final String serviceAddress;
  private final String id;
  private final int piece;
  private volatile boolean stopped;

  StdinPump(BridgeConnection bridge, String serviceAddress, String id, int piece) {
    this.bridge = bridge;
    this.serviceAddress = serviceAddress;
    this.id = id;
    this.piece = piece;
  }

  /** Sends nothing more (the child's stdin was closed). */
  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    Object lock = new Object();
    long[] unacked = {0};
    byte[] buffer = new byte[piece];
    try (InputStream in = new FileInputStream(FileDescriptor.in)) {
      boolean eof = false;
      while (!eof && !stopped) {
        // what is there now, up to one write: a blocking read, then whatever else is already available
        int n = in.read(buffer, 0, Math.min(RunCommand.READ_SIZE, piece));
        if (n < 0) {
          break;
        }
        while (n < piece && in.available() > 0) {
          int more = in.read(buffer, n, Math.min(RunCommand.READ_SIZE, piece - n));
          if (more < 0) {
            eof = true;
            break;
          }
          n += more;
        }
        if (n == 0) {
          continue;
        }
        synchronized (lock) {
          while (unacked[0] >= RunCommand.STDIN_UNACKED) {
            lock.wait();
          }
          unacked[0] += n;
        }
        if (stopped) {
          break;
        }
        int sent = n;
        String data = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(buffer, n));
        bridge.request(serviceAddress, "writeStdin", new JsonObject().put("id", id).put("data", data))
          .whenComplete((reply, e) -> {
            if (e != null || "err".equals(reply.getString("type"))) {
              stopped = true; // the child closed its stdin or exited: what is left is not wanted
            }
            synchronized (lock) {
              unacked[0] -= sent;
              lock.notifyAll();
            }
          });
      }
      synchronized (lock) {
        while (unacked[0] > 0) {
          lock.wait(); // every write acknowledged before the EOF
        }
      }
    } catch (IOException e) {
      // our stdin failed: the child gets EOF
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!stopped) {
      bridge.request(serviceAddress, "closeStdin", new JsonObject().put("id", id));
    }
  }
}
