package io.procbus.examples;

import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The cluster example of docs/cluster.md, run by {@code ClusterIT}: list the nodes, then run a child on a named one
 * from a client on another JVM. The lines between the tags are the
 * snippet in docs/cluster.md ({@code DocSnippetsTest} checks that they match).
 */
public final class NamedNodeExample {

  private NamedNodeExample() {
  }

  /** The parent pid of a child run on {@code node}, as the child prints it. */
  public static Future<String> parentPidOn(Vertx vertx, String node) {
    // tag::named-node[]
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setNode(node));
    return client.service().nodes()                                   // every live node, its load and capacity
      .onSuccess(nodes -> nodes.forEach(n -> System.out.printf("%s: %d/%d%n", n.getNode(), n.getLive(),
        n.getCapacity())))
      .compose(nodes -> client.exec(List.of("sh", "-c", "echo $PPID"), new ProcessOptions().setStdout(Stdio.pipe())))
      .compose(child -> child.communicate())                          // the child runs on `node`, streams here
      .map(r -> r.stdout().toString().trim())
      .eventually(client::close)
    // end::named-node[]
      ;
  }
}
