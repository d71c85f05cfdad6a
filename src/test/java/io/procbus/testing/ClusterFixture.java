package io.procbus.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.procbus.api.ProcessEngine;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A procbus cluster on 127.0.0.1 for {@code *IT} tests: a Hazelcast configuration written for a unique cluster
 * name and a port range of its own (loopback, TCP-IP join, never multicast), procbus nodes started from the fat
 * jar with it ({@link NodeProcess}), and clustered Vert.x instances in this JVM joining it as clients.
 *
 * <p>{@link #close()} kills every node (and its children) and closes every Vert.x it made, even after a failed
 * test. {@link #shared()} is one two-node cluster ({@code a}, {@code b}) for the whole test JVM, closed when
 * the JVM exits.
 */
public final class ClusterFixture implements AutoCloseable {

  /** Startup bound of a node JVM (3–5 s on the 2-core machine, more when others build). */
  public static final Duration NODE_STARTUP = Duration.ofSeconds(90);
  /** The port range of the shared cluster. */
  public static final int SHARED_BASE_PORT = 5901;

  private static ClusterFixture shared;

  private final String clusterName;
  private final Path hazelcastXml;
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final List<Vertx> members = new ArrayList<>();

  private ClusterFixture(String clusterName, Path hazelcastXml) {
    this.clusterName = clusterName;
    this.hazelcastXml = hazelcastXml;
  }

  /** A new cluster with a unique name whose members listen on {@code basePort} to {@code basePort + 9}. */
  public static ClusterFixture create(String name, int basePort) throws Exception {
    String clusterName = "procbus-it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createDirectories(Path.of("target", "it"));
    StringBuilder members = new StringBuilder();
    for (int port = basePort; port < basePort + 10; port++) {
      members.append("        <member>127.0.0.1:").append(port).append("</member>\n");
    }
    String template = Files.readString(Path.of("conf", "cluster.xml"));
    String xml = template
      .replace("<cluster-name>procbus</cluster-name>", "<cluster-name>" + clusterName + "</cluster-name>")
      .replace(">5701</port>", ">" + basePort + "</port>")
      .replace("        <member>127.0.0.1</member>\n", members.toString());
    if (xml.equals(template) || !xml.contains(clusterName) || !xml.contains(":" + basePort + "<")) {
      throw new IllegalStateException("conf/cluster.xml no longer has the expected shape");
    }
    Path file = dir.resolve(clusterName + ".xml");
    Files.writeString(file, xml);
    return new ClusterFixture(clusterName, file);
  }

  /** The two-node cluster ({@code a}, {@code b}) shared by the tests of this JVM; closed at exit. */
  public static synchronized ClusterFixture shared() throws Exception {
    if (shared == null) {
      ClusterFixture f = create("shared", SHARED_BASE_PORT);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          f.close();
        } catch (Exception e) {
          // exiting anyway
        }
      }));
      f.startNodes(List.of("a", "b"), new JsonObject());
      shared = f;
    }
    return shared;
  }

  /** The configuration of a node named {@code name}, with {@code overrides} merged in (one level deep). */
  public static JsonObject nodeConfig(String name, JsonObject overrides) {
    JsonObject config = new JsonObject()
      .put("instance", name)
      .put("cluster", new JsonObject().put("enabled", true).put("node", name))
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", false))
        .put("sockjs", new JsonObject().put("enabled", false)))
      .put("http", new JsonObject().put("enabled", false));
    overrides.forEach(e -> {
      if (e.getValue() instanceof JsonObject section && config.getValue(e.getKey()) instanceof JsonObject mine) {
        mine.mergeIn(section);
      } else {
        config.put(e.getKey(), e.getValue());
      }
    });
    return config;
  }

  /**
   * Starts nodes named {@code names} in parallel (each its own JVM, clustered because its config enables
   * it) and waits until each printed its ready line; {@code overrides} go into every node's config.
   */
  public void startNodes(List<String> names, JsonObject overrides) throws Exception {
    Map<String, JsonObject> each = new LinkedHashMap<>();
    names.forEach(name -> each.put(name, overrides));
    startNodes(each);
  }

  /** Starts nodes as {@link #startNodes(List, JsonObject)} does, each with its own {@code overrides}. */
  public void startNodes(Map<String, JsonObject> overridesByName) throws Exception {
    List<NodeProcess> started = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : overridesByName.entrySet()) {
      String name = e.getKey();
      List<String> jvm = new ArrayList<>(NodeProcess.defaultJvmArgs());
      jvm.add("-Dvertx.hazelcast.config=" + hazelcastXml.toAbsolutePath());
      NodeProcess node = NodeProcess.start(clusterName + "-" + name, jvm,
        List.of("-conf", nodeConfig(name, e.getValue()).encode()), Map.of());
      nodes.put(name, node);
      started.add(node);
    }
    for (NodeProcess node : started) {
      node.awaitLine(io.procbus.launcher.Main.READY::equals, NODE_STARTUP);
    }
  }

  /** The node started as {@code name}. */
  public NodeProcess node(String name) {
    NodeProcess node = nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return node;
  }

  /** The JVM of node {@code name}, as the parent of the children that node runs. */
  public ChildHost childHost(String name) {
    return ChildHost.node(name, node(name));
  }

  /**
   * A suite's children on node {@code name} of the shared cluster: a clustered Vert.x in this JVM, a client that
   * places every child on that node, and that node's JVM as their host.
   */
  public static Placement onNode(String name) {
    return new Placement() {
      @Override
      public Vertx vertx() throws Exception {
        return shared().join();
      }

      @Override
      public ProcessEngine engine(Vertx vertx) {
        return ProcessClient.create(vertx, new ProcessClientOptions().setNode(name));
      }

      @Override
      public ChildHost host() throws Exception {
        return shared().childHost(name);
      }
    };
  }

  /** A clustered Vert.x in this JVM (native transport, event bus on 127.0.0.1) joined to this cluster. */
  public Vertx join() throws Exception {
    Vertx vertx = join(hazelcastXml);
    synchronized (this) {
      members.add(vertx);
    }
    return vertx;
  }

  /** A clustered Vert.x (native transport, event bus on 127.0.0.1) joined with the Hazelcast file {@code xml}. */
  public static Vertx join(Path xml) throws Exception {
    return join(xml, new EventBusOptions());
  }

  /**
   * A clustered Vert.x (native transport) joined with the Hazelcast file {@code xml}, its event bus set by
   * {@code eventBus} (TLS, for instance) and then put on 127.0.0.1 with an ephemeral port.
   */
  public static Vertx join(Path xml, EventBusOptions eventBus) throws Exception {
    Config config = new FileSystemXmlConfig(xml.toFile());
    return Vertx.builder()
      .with(new VertxOptions().setPreferNativeTransport(true)
        .setEventBusOptions(new EventBusOptions(eventBus).setHost("127.0.0.1").setPort(0)))
      .withClusterManager(new HazelcastClusterManager(config))
      .buildClustered().await(90, TimeUnit.SECONDS);
  }

  /** The Hazelcast configuration file of this cluster. */
  public Path hazelcastXml() {
    return hazelcastXml;
  }

  /** The cluster's unique name. */
  public String name() {
    return clusterName;
  }

  /** Closes the Vert.x instances of this JVM, then kills every node. */
  @Override
  public void close() throws Exception {
    List<Vertx> mine;
    synchronized (this) {
      mine = new ArrayList<>(members);
      members.clear();
    }
    try {
      for (Vertx v : mine) {
        try {
          v.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          // the nodes go anyway
        }
      }
    } finally {
      for (NodeProcess node : nodes.values()) {
        node.close();
      }
    }
  }
}
