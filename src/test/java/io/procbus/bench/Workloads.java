package io.procbus.bench;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** W1, W2 and W3 on a procbus engine (or a client, which is one): what {@link Bench} times and {@link ProfileRun} profiles. */
final class Workloads {

  static final ProcessOptions QUIET = new ProcessOptions()
    .setStdin(Stdio.devNull()).setStdout(Stdio.devNull()).setStderr(Stdio.devNull());
  static final ProcessOptions PIPES = new ProcessOptions()
    .setStdin(Stdio.pipe()).setStdout(Stdio.pipe()).setStderr(Stdio.devNull());

  private Workloads() {
  }

  /** W1: {@code total} runs of {@code /bin/true}, {@code inFlight} at a time, from one context of {@code owner}. */
  static void spawnTrue(Vertx owner, ProcessEngine engine, int total, int inFlight) {
    onContext(owner, () -> {
      Promise<Void> done = Promise.promise();
      int[] counts = {0, 0};
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        if (counts[0] == total) {
          return;
        }
        counts[0]++;
        engine.exec(List.of("/bin/true"), QUIET).compose(ChildProcess::waitFor).onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
          } else if (++counts[1] == total) {
            done.complete();
          } else {
            next[0].run();
          }
        });
      };
      for (int i = 0; i < inFlight; i++) {
        next[0].run();
      }
      return done.future();
    });
  }

  /**
   * W2: {@code children} runs of {@code head -c bytes /dev/zero} at once, each read to its end; the number of
   * stdout chunks delivered, all children together.
   */
  static long readZeros(ProcessEngine engine, int children, long bytes) throws Exception {
    List<CompletableFuture<long[]>> all = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      CompletableFuture<long[]> done = new CompletableFuture<>();
      all.add(done);
      // from outside Vert.x each child gets its own event-loop context, spread over the loops
      engine.exec(List.of("head", "-c", Long.toString(bytes), "/dev/zero"),
        new ProcessOptions().setStdout(Stdio.pipe())).onComplete(ar -> {
          if (ar.failed()) {
            done.completeExceptionally(ar.cause());
            return;
          }
          long[] count = {0, 0};
          ar.result().stdout().handler(b -> {
            count[0] += b.length();
            count[1]++;
          }).endHandler(v -> done.complete(count));
        });
    }
    long chunks = 0;
    for (CompletableFuture<long[]> f : all) {
      long[] count = f.get(300, TimeUnit.SECONDS);
      Bench.check(count[0] == bytes, "W2: wrong byte count");
      chunks += count[1];
    }
    return chunks;
  }

  /**
   * W3: {@code line} written to one {@code cat} and read back, {@code warm + n} times in turn, from one context of
   * {@code owner}; the last {@code n} round trips' times in nanoseconds.
   */
  static long[] roundTrips(Vertx owner, ProcessEngine engine, Buffer line, int warm, int n) {
    long[] samples = new long[n];
    onContext(owner, () -> engine.exec(List.of("cat"), PIPES).compose(p -> {
      Promise<Void> done = Promise.promise();
      int[] i = {0};
      long[] t0 = {0};
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        t0[0] = System.nanoTime();
        p.stdin().write(line);
        p.stdout().readExactly(line.length()).onComplete(ar -> {
          if (ar.failed()) {
            done.fail(ar.cause());
            return;
          }
          long dt = System.nanoTime() - t0[0];
          if (i[0] >= warm) {
            samples[i[0] - warm] = dt;
          }
          if (++i[0] == warm + n) {
            done.complete();
          } else {
            step[0].run();
          }
        });
      };
      step[0].run();
      return done.future().compose(v -> p.stdin().end()).compose(v -> p.waitFor()).mapEmpty();
    }));
    return samples;
  }

  /** Runs {@code action} on a new context of {@code owner}, and waits for the future it returns. */
  static void onContext(Vertx owner, Supplier<Future<?>> action) {
    Context ctx = owner.getOrCreateContext();
    CompletableFuture<Object> done = new CompletableFuture<>();
    ctx.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(null);
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    try {
      done.get(300, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
