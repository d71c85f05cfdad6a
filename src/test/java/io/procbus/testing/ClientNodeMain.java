package io.procbus.testing;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A client node for the kill -9 test: joins the cluster of a Hazelcast file, spawns {@code argv} on a named
 * node through a {@link ProcessClient} that renews its lease often, prints {@code child <pid>} and then
 * lives on (holding its child) until it is killed.
 *
 * <p>Usage: {@code ClientNodeMain <hazelcast.xml> <node> <leaseRenewMillis> <argv…>}.
 */
public final class ClientNodeMain {

  /** The line printed once the child runs: {@code child <pid>}. */
  public static final String CHILD = "child ";

  private ClientNodeMain() {
  }

  /** Runs the client node. */
  public static void main(String[] args) throws Exception {
    Vertx vertx = ClusterFixture.join(Path.of(args[0]));
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setNode(args[1])
      .setLeaseRenewMillis(Long.parseLong(args[2])));
    List<String> argv = List.of(args).subList(3, args.length);
    ChildProcess child = client.exec(argv, new ProcessOptions().setStdout(Stdio.pipe())).await(60, TimeUnit.SECONDS);
    child.stdout().readLine().await(60, TimeUnit.SECONDS); // the helper's "ready"
    System.out.println(CHILD + child.pid());
    System.out.flush();
    new CountDownLatch(1).await(); // holds the child until killed
  }
}
