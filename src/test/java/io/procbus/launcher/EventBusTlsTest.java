package io.procbus.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.config.ClusterTlsOptions;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster.tls} checked before start (each problem names its key) and set on the event-bus options. */
class EventBusTlsTest {

  private static SelfSignedCertificate member;

  @BeforeAll
  static void certificate() {
    member = SelfSignedCertificate.create("member-1");
  }

  @AfterAll
  static void delete() {
    member.delete();
  }

  private static ClusterTlsOptions valid() {
    return new ClusterTlsOptions().setEnabled(true).setKeyPath(member.privateKeyPath())
      .setCertPath(member.certificatePath()).setTrustPaths(List.of(member.certificatePath()));
  }

  private static void assertNames(String key, ClusterTlsOptions tls) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventBusTls.check(tls));
    assertTrue(e.getMessage().startsWith("bad configuration at '" + key + "': "), e.getMessage());
  }

  @Test
  @Timeout(10)
  void validPemFilesPassAndDisabledTlsIsNotChecked() {
    EventBusTls.check(valid());
    EventBusTls.check(new ClusterTlsOptions().setKeyPath("/nowhere"));
  }

  @Test
  @Timeout(10)
  void eachMissingOrWrongFileNamesItsKey(@TempDir Path dir) throws Exception {
    assertNames("cluster.tls.keyPath", valid().setKeyPath(null));
    assertNames("cluster.tls.keyPath", valid().setKeyPath(dir.resolve("missing.key").toString()));
    assertNames("cluster.tls.keyPath", valid().setKeyPath(member.certificatePath()));
    assertNames("cluster.tls.certPath", valid().setCertPath(dir.resolve("missing.crt").toString()));
    assertNames("cluster.tls.certPath", valid().setCertPath(member.privateKeyPath()));
    assertNames("cluster.tls.trustPaths", valid().setTrustPaths(List.of()));
    assertNames("cluster.tls.trustPaths", valid().setTrustPaths(List.of(member.certificatePath(),
      Files.writeString(dir.resolve("empty.crt"), "").toString())));
  }

  @Test
  @Timeout(10)
  void enabledTlsRequiresATrustedClientCertificateOnTheEventBus() {
    EventBusOptions eb = new EventBusOptions();
    EventBusTls.apply(valid().setTrustPaths(List.of("/ca-1.pem", "/ca-2.pem")), eb);
    assertTrue(eb.isSsl());
    assertEquals(ClientAuth.REQUIRED, eb.getClientAuth());
    assertFalse(eb.isTrustAll());
    PemKeyCertOptions key = (PemKeyCertOptions) eb.getKeyCertOptions();
    assertEquals(List.of(member.privateKeyPath()), key.getKeyPaths());
    assertEquals(List.of(member.certificatePath()), key.getCertPaths());
    assertEquals(List.of("/ca-1.pem", "/ca-2.pem"), ((PemTrustOptions) eb.getTrustOptions()).getCertPaths());
    // what the clustered event bus copies into its server and client options
    JsonObject json = eb.toJson();
    assertEquals(true, json.getBoolean("ssl"));
    assertEquals("REQUIRED", json.getString("clientAuth"));

    EventBusOptions untouched = new EventBusOptions();
    EventBusTls.apply(new ClusterTlsOptions(), untouched);
    assertFalse(untouched.isSsl());
    assertEquals(EventBusOptions.DEFAULT_CLIENT_AUTH, untouched.getClientAuth());
  }

  @Test
  @Timeout(10)
  void environmentVariablesSetTheTlsSection() {
    JsonObject config = new JsonObject();
    List<EnvironmentOverrides.Variable> applied = EnvironmentOverrides.applyToConfig(config, Map.of(
      "PROCBUS_CLUSTER_TLS_ENABLED", "true", "PROCBUS_CLUSTER_TLS_KEY", "/run/secrets/node.key",
      "PROCBUS_CLUSTER_TLS_CERT", "/run/secrets/node.crt",
      "PROCBUS_CLUSTER_TLS_TRUST", "/run/secrets/ca-1.crt, /run/secrets/ca-2.crt"));
    assertEquals(4, applied.size());
    ClusterTlsOptions tls = ProcbusOptions.fromConfig(config).getCluster().getTls();
    assertTrue(tls.isEnabled());
    assertEquals("/run/secrets/node.key", tls.getKeyPath());
    assertEquals("/run/secrets/node.crt", tls.getCertPath());
    assertEquals(List.of("/run/secrets/ca-1.crt", "/run/secrets/ca-2.crt"), tls.getTrustPaths());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventBusTls.check(tls));
    assertEquals(" (set by environment variable PROCBUS_CLUSTER_TLS_KEY as 'cluster.tls.keyPath')",
      EnvironmentOverrides.origin(applied, e.getMessage()));

    for (Map<String, String> bad : List.of(Map.of("PROCBUS_CLUSTER_TLS_ENABLED", "yes"),
      Map.of("PROCBUS_CLUSTER_TLS_TRUST", "/a.crt,,/b.crt"))) {
      e = assertThrows(IllegalArgumentException.class, () -> EnvironmentOverrides.applyToConfig(new JsonObject(), bad));
      String name = bad.keySet().iterator().next();
      assertTrue(e.getMessage().contains(name) && e.getMessage().contains("'cluster.tls."), e.getMessage());
    }
  }
}
