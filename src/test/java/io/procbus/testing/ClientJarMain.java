package io.procbus.testing;

import com.hazelcast.config.FileSystemXmlConfig;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ProcessEngine;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client JVM on the client-only class path ({@code ClientArtifactIT}): it uses only the client jar's API,
 * Vert.x and Hazelcast (no other test class), reports which node-side classes it can load, joins the cluster
 * of a Hazelcast file, runs {@code sh -c <script>} on a named node through a {@link ProcessClient}, prints the
 * child's output as hex and its exit status, and exits.
 *
 * <p>Usage: {@code ClientJarMain <hazelcast.xml> <node> <script>}.
 */
public final class ClientJarMain {

  private ClientJarMain() {
  }

  /** Runs the client. */
  public static void main(String[] args) throws Exception {
    for (String name : List.of("com.sun.jna.Native", "io.netty.channel.epoll.Epoll",
      "io.procbus.engine.LocalProcessEngine")) {
      System.out.println("loadable " + name + " " + loadable(name));
    }
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setPreferNativeTransport(true)
        .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
      .withClusterManager(new HazelcastClusterManager(new FileSystemXmlConfig(args[0])))
      .buildClustered().await(90, TimeUnit.SECONDS);
    System.out.println("native transport " + vertx.isNativeTransportEnabled());
    try {
      ProcessEngine.create(vertx);
      System.out.println("in-JVM engine created");
    } catch (IllegalStateException expected) {
      System.out.println("in-JVM engine none");
    }
    ProcessClient client = ProcessClient.create(vertx, new ProcessClientOptions().setNode(args[1]));
    CommunicateResult r = client.exec(List.of("sh", "-c", args[2]),
        new ProcessOptions().setStdout(Stdio.pipe()).setStderr(Stdio.pipe()))
      .compose(child -> child.communicate())
      .await(60, TimeUnit.SECONDS);
    System.out.println("stdout " + HexFormat.of().formatHex(r.stdout().getBytes()));
    System.out.println("stderr " + HexFormat.of().formatHex(r.stderr().getBytes()));
    System.out.println("exit " + r.exitStatus() + ", usage measured " + (r.exitStatus().usage() != null));
    client.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    System.out.flush();
    System.exit(0); // whatever Hazelcast left running
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, ClientJarMain.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
