package io.procbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code cluster.tls}: JSON round trip, defaults (off), strict reading, the shipped example. */
class ClusterTlsOptionsTest {

  @Test
  @Timeout(10)
  void roundTripsThroughJsonAndCopy() {
    ClusterTlsOptions tls = new ClusterTlsOptions().setEnabled(true).setKeyPath("/k.pem").setCertPath("/c.pem")
      .setTrustPaths(List.of("/ca-1.pem", "/ca-2.pem"));
    assertEquals(tls.toJson(), new ClusterTlsOptions(tls.toJson()).toJson());
    assertEquals(tls.toJson(), new ClusterTlsOptions(tls).toJson());
    ClusterOptions cluster = new ClusterOptions().setNode("n").setTls(tls);
    assertEquals(cluster.toJson(), new ClusterOptions(cluster.toJson()).toJson());
    assertEquals(cluster.toJson(), new ClusterOptions(cluster).toJson());
    assertEquals(List.of("/ca-1.pem", "/ca-2.pem"), new ClusterOptions(cluster.toJson()).getTls().getTrustPaths());
  }

  @Test
  @Timeout(10)
  void tlsIsOffByDefault() {
    ClusterTlsOptions tls = ProcbusOptions.fromConfig(new JsonObject()).getCluster().getTls();
    assertEquals(ClusterTlsOptions.DEFAULT_ENABLED, tls.isEnabled());
    assertFalse(tls.isEnabled());
    assertNull(tls.getKeyPath());
    assertNull(tls.getCertPath());
    assertTrue(tls.getTrustPaths().isEmpty());
    JsonObject nullTls = new JsonObject().put("cluster", new JsonObject().putNull("tls"));
    assertFalse(ProcbusOptions.fromConfig(nullTls).getCluster().getTls().isEnabled(), "\"tls\": null is off");
  }

  @Test
  @Timeout(10)
  void theSectionIsReadStrictly() {
    JsonObject tls = new JsonObject().put("enabled", true).put("keyPath", "/k.pem").put("certPath", "/c.pem")
      .put("trustPaths", new JsonArray().add("/ca.pem"));
    ClusterTlsOptions read = ProcbusOptions.fromConfig(new JsonObject().put("cluster", new JsonObject().put("tls", tls)))
      .getCluster().getTls();
    assertEquals(tls, read.toJson());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcbusOptions.fromConfig(
      new JsonObject().put("cluster", new JsonObject().put("tls", tls.copy().put("clientAuth", "NONE")))));
    assertTrue(e.getMessage().contains("cluster.tls.clientAuth"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ProcbusOptions.fromConfig(
      new JsonObject().put("cluster", new JsonObject().put("tls", tls.copy().put("trustPaths", "/ca.pem")))));
    assertTrue(e.getMessage().contains("cluster.tls.trustPaths"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ProcbusOptions.fromConfig(
      new JsonObject().put("cluster", new JsonObject().put("tls", tls.copy().put("enabled", "yes")))));
    assertTrue(e.getMessage().contains("cluster.tls.enabled"), e.getMessage());
  }

  @Test
  @Timeout(10)
  void theShippedTlsExampleIsValid() throws Exception {
    ClusterTlsOptions tls = ProcbusOptions.fromConfig(new JsonObject(Files.readString(Path.of("conf",
      "cluster-tls.json")))).getCluster().getTls();
    assertTrue(tls.isEnabled());
  }
}
