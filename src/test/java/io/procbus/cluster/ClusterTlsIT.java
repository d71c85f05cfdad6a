package io.procbus.cluster;

import static io.procbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessService;
import io.procbus.api.RunRequest;
import io.procbus.api.RunResult;
import io.procbus.api.SpawnRequest;
import io.procbus.client.ProcessClient;
import io.procbus.client.ProcessClientOptions;
import io.procbus.examples.TlsMemberExample;
import io.procbus.launcher.Main;
import io.procbus.protocol.Addresses;
import io.procbus.testing.Await;
import io.procbus.testing.ClusterFixture;
import io.procbus.testing.NodeProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The clustered event bus closed with mutual TLS ({@code cluster.tls}): two node JVMs from the fat jar on
 * loopback, each with its own self-signed certificate made here and trusting only the members' certificates.
 * A member with a trusted certificate (this JVM) reaches a child on one node through the other; a member
 * without one joins Hazelcast (its traffic is not covered) but neither gets a message to a node (nothing
 * runs) nor hears one from them; each node's event-bus port speaks TLS and wants a client certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTlsIT {

  /** Bound of a request a rogue member sends: the node must never answer it. */
  private static final long ROGUE_SEND_TIMEOUT_MILLIS = 10_000;

  private final Map<String, SelfSignedCertificate> certs = new LinkedHashMap<>();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Vertx> joined = new ArrayList<>();
  private ClusterFixture cluster;
  private Vertx trusted;
  private ProcessClient client;
  /** The event-bus endpoints of the two nodes, as the cluster manager announces them. */
  private final List<InetSocketAddress> nodeBuses = new ArrayList<>();
  private Path markers;

  @BeforeAll
  void start() throws Exception {
    for (String name : List.of("a", "b", "member", "rogue")) {
      certs.put(name, SelfSignedCertificate.create("procbus-" + name));
    }
    markers = Files.createDirectories(Path.of("target", "it", "tls-" + UUID.randomUUID()));
    cluster = ClusterFixture.create("tls", 6341);
    for (String name : List.of("a", "b")) {
      List<String> jvm = new ArrayList<>(NodeProcess.defaultJvmArgs());
      jvm.add("-Dvertx.hazelcast.config=" + cluster.hazelcastXml().toAbsolutePath());
      JsonObject tls = new JsonObject().put("enabled", true)
        .put("keyPath", certs.get(name).privateKeyPath()).put("certPath", certs.get(name).certificatePath())
        .put("trustPaths", new JsonArray(trustedPaths()));
      JsonObject config = ClusterFixture.nodeConfig(name, new JsonObject().put("cluster", new JsonObject()
        .put("tls", tls)));
      nodes.add(NodeProcess.start(cluster.name() + "-" + name, jvm, List.of("-conf", config.encode()), Map.of()));
    }
    for (NodeProcess node : nodes) {
      node.awaitLine(Main.READY::equals, ClusterFixture.NODE_STARTUP.multipliedBy(2)); // two TLS JVMs at once
    }
    // as Main does on a TLS node (EventBusTls.warmUp): Vert.x's one-time TLS set-up, off the event loop
    try {
      Class.forName("io.vertx.core.spi.tls.DefaultJDKCipherSuite", true, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      // another Vert.x version: the first connection pays for it
    }
    trusted = join(tlsEventBus(certs.get("member")));
    client = ProcessClient.create(trusted, new ProcessClientOptions());
    Await.until(trusted, "nodes a and b heard by this member", 100, 30_000, () ->
      await(client.service().nodes()).stream().map(NodeInfo::getNode).sorted().toList().equals(List.of("a", "b")));
    ClusterManager manager = ((VertxInternal) trusted).clusterManager();
    for (String id : manager.getNodes()) {
      if (!id.equals(manager.getNodeId())) {
        Promise<io.vertx.core.spi.cluster.NodeInfo> info = Promise.promise();
        manager.getNodeInfo(id, info);
        io.vertx.core.spi.cluster.NodeInfo i = await(info.future());
        nodeBuses.add(new InetSocketAddress(i.host(), i.port()));
      }
    }
    assertEquals(2, nodeBuses.size(), "the two nodes' event-bus endpoints: " + nodeBuses);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (client != null) {
        client.close().await(20, TimeUnit.SECONDS);
      }
      for (Vertx v : joined) {
        v.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
      certs.values().forEach(SelfSignedCertificate::delete);
    }
  }

  /** The certificates every member trusts: the three members', not the rogue's. */
  private List<String> trustedPaths() {
    return List.of(certs.get("a").certificatePath(), certs.get("b").certificatePath(),
      certs.get("member").certificatePath());
  }

  /** The members' certificates as trust options. */
  private PemTrustOptions trust() {
    PemTrustOptions trust = new PemTrustOptions();
    trustedPaths().forEach(trust::addCertPath);
    return trust;
  }

  private static PemKeyCertOptions keyCert(SelfSignedCertificate own) {
    return new PemKeyCertOptions().setKeyPath(own.privateKeyPath()).setCertPath(own.certificatePath());
  }

  /** What a Java caller sets to join a TLS cluster: its key and certificate, the trust, client auth required. */
  private EventBusOptions tlsEventBus(SelfSignedCertificate own) {
    return TlsMemberExample.eventBusOptions(own.privateKeyPath(), own.certificatePath(), trustedPaths());
  }

  private Vertx join(EventBusOptions eventBus) throws Exception {
    Vertx vertx = ClusterFixture.join(cluster.hazelcastXml(), eventBus);
    joined.add(vertx);
    return vertx;
  }

  private NodeProcess node(String name) {
    return nodes.get(name.equals("a") ? 0 : 1);
  }

  /** A run of {@code sh -c script} on node {@code on}, sent to node {@code via}'s own instance address. */
  private static io.vertx.core.Future<RunResult> runVia(Vertx vertx, String via, String on, String script,
                                                       long timeoutMillis) {
    ProcessService service = new ServiceProxyBuilder(vertx).setAddress(new Addresses(Addresses.DEFAULT_PREFIX)
      .instance(via)).setOptions(new DeliveryOptions().setSendTimeout(timeoutMillis)).build(ProcessService.class);
    return service.run(new RunRequest().setSpawn(new SpawnRequest().setCommand(List.of("sh", "-c", script))
      .setNode(on).setOwner("cluster-tls-it")));
  }

  @Test
  @Timeout(120)
  void aChildOnOneNodeRunsEndToEndThroughTheOtherOverTls() throws Exception {
    for (String[] hop : List.of(new String[] {"a", "b"}, new String[] {"b", "a"})) {
      RunResult r = await(runVia(trusted, hop[0], hop[1], "echo \"from $PPID\"; echo err >&2; exit 3", 60_000));
      assertEquals("from " + node(hop[1]).pid() + "\n", r.getStdout().toString(), "the child's parent is node "
        + hop[1] + "'s JVM");
      assertEquals("err\n", r.getStderr().toString());
      assertEquals(3, r.getReturnCode(), "exit status via " + hop[0]);
    }
    // each node heard the other's heartbeats: node-to-node traffic crosses the TLS bus both ways
    for (String[] pair : List.of(new String[] {"a", "b"}, new String[] {"b", "a"})) {
      ProcessService own = ProcessService.createProxy(trusted, new Addresses(Addresses.DEFAULT_PREFIX)
        .instance(pair[0]));
      Await.until(trusted, "node " + pair[0] + " hearing node " + pair[1], 100, 30_000, () ->
        await(own.nodes()).stream().anyMatch(n -> n.getNode().equals(pair[1])));
    }
  }

  @Test
  @Timeout(180)
  void aMemberWithoutATrustedCertificateNeitherReachesNorHearsTheNodesAndNothingRuns() throws Exception {
    // the second trusts the nodes and presents a certificate of its own that they do not trust
    Map<String, EventBusOptions> rogues = Map.of(
      "plaintext", new EventBusOptions(),
      "untrusted certificate", tlsEventBus(certs.get("rogue")));
    for (Map.Entry<String, EventBusOptions> rogue : rogues.entrySet()) {
      Vertx vertx = join(rogue.getValue());
      // Hazelcast lets it in: event-bus TLS does not cover cluster membership (docs/security.md)
      assertTrue(((VertxInternal) vertx).clusterManager().getNodes().size() >= 3,
        "the " + rogue.getKey() + " member joined Hazelcast");
      // it hears nothing from the nodes: it listens for heartbeats while the trusted member hears four
      String heartbeats = new Addresses(Addresses.DEFAULT_PREFIX).nodes();
      AtomicInteger rogueHeard = new AtomicInteger();
      vertx.eventBus().consumer(heartbeats, m -> rogueHeard.incrementAndGet()).completion().await(30, TimeUnit.SECONDS);
      AtomicInteger heard = new AtomicInteger();
      MessageConsumer<Object> mine = trusted.eventBus().consumer(heartbeats, m -> heard.incrementAndGet());
      await(mine.completion());
      Await.until(trusted, "four heartbeats heard by the trusted member", 100, 60_000, () -> heard.get() >= 4);
      await(mine.unregister());
      assertEquals(0, rogueHeard.get(), "heartbeats delivered to the " + rogue.getKey() + " member");
      Path marker = markers.resolve(rogue.getKey().replace(' ', '-'));
      long started = System.nanoTime();
      Exception failed = assertThrows(Exception.class, () -> runVia(vertx, "a", "b",
        "echo ran > '" + marker + "'", ROGUE_SEND_TIMEOUT_MILLIS).await(60, TimeUnit.SECONDS),
        "a " + rogue.getKey() + " member's request");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertFalse(failed instanceof java.util.concurrent.TimeoutException,
        "the send failed within its own deadline, after " + millis + " ms: " + failed);
      // the rogue found the node's registration through Hazelcast: what stopped it is the TLS bus
      if (failed instanceof ReplyException re) {
        assertNotEquals(ReplyFailure.NO_HANDLERS, re.failureType(), "the " + rogue.getKey() + " member: " + re);
      }
      System.out.println("ClusterTlsIT: the " + rogue.getKey() + " member's request failed after " + millis
        + " ms with " + failed);
      assertFalse(Files.exists(marker), "nothing ran for the " + rogue.getKey() + " member");
      for (NodeProcess node : nodes) {
        assertEquals(List.of(), node.spawnedDescendants(), "no child on node JVM " + node.pid());
      }
      vertx.close().await(30, TimeUnit.SECONDS);
      joined.remove(vertx);
    }
    // the same request from a trusted member runs: the command itself was never the obstacle
    Path control = markers.resolve("trusted");
    assertEquals(0, await(runVia(trusted, "a", "b", "echo ran > '" + control + "'", 60_000)).getReturnCode());
    assertEquals("ran\n", Files.readString(control));
    for (String name : rogues.keySet()) {
      assertFalse(Files.exists(markers.resolve(name.replace(' ', '-'))), "still nothing ran for " + name);
    }
  }

  @Test
  @Timeout(60)
  void eachNodesEventBusPortSpeaksTlsAndWantsATrustedClientCertificate() throws Exception {
    SelfSignedCertificate member = certs.get("member");
    Set<String> presented = new HashSet<>();
    for (InetSocketAddress bus : nodeBuses) {
      // with this member's certificate: the handshake completes and the node shows its own certificate
      try (SSLSocket s = tlsSocket(bus, member)) {
        s.startHandshake();
        X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
        presented.add(peer.getSubjectX500Principal().getName());
      }
      // without a client certificate: the node ends the connection at the handshake
      try (SSLSocket s = tlsSocket(bus, null)) {
        assertClosedByPeer(bus + " without a client certificate", () -> {
          s.startHandshake();
          return s.getInputStream();
        });
      }
      // plaintext: no plaintext answer, the connection is ended
      try (Socket s = new Socket()) {
        s.connect(bus, 10_000);
        s.setSoTimeout(30_000);
        s.getOutputStream().write("plaintext, not a TLS record\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        int first;
        try {
          first = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
          throw new AssertionError(bus + " left a plaintext connection open", e);
        } catch (IOException reset) {
          first = -1;
        }
        assertTrue(first == -1 || first == 0x15, bus + " answered plaintext with byte " + first
          + " (only EOF or a TLS alert record is expected)");
      }
    }
    assertEquals(Set.of("CN=procbus-a", "CN=procbus-b"), presented);
  }

  /** A TLS socket to {@code bus} trusting the members' certificates, presenting {@code own}'s (or none). */
  private SSLSocket tlsSocket(InetSocketAddress bus, SelfSignedCertificate own) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(own == null ? null : keyCert(own).getKeyManagerFactory(trusted).getKeyManagers(),
      trust().getTrustManagerFactory(trusted).getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
    s.connect(bus, 10_000);
    s.setSoTimeout(30_000);
    return s;
  }

  private interface Opening {
    InputStream open() throws IOException;
  }

  /** Asserts that the peer ends the connection (an alert, a reset or EOF) rather than leaving it open. */
  private static void assertClosedByPeer(String what, Opening opening) {
    try {
      assertEquals(-1, opening.open().read(), what + ": read a byte of application data");
    } catch (SocketTimeoutException e) {
      throw new AssertionError(what + ": the connection stayed open", e);
    } catch (IOException expected) {
      // an alert (certificate_required, bad_certificate) or a reset: the peer refused
    }
  }
}
