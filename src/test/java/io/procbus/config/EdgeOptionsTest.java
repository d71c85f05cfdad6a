package io.procbus.config;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.audit.AuditLog;
import io.procbus.bridge.BridgeVerticle;
import io.procbus.policy.NodeTrust;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The edge's configuration sections: JSON round trips, defaults (exercised on a bridge), strict reading. */
class EdgeOptionsTest {

  private static final String TOKEN = "alice-token-0123456789";

  @Test
  @Timeout(10)
  void authPolicyAndAuditRoundTrip() {
    AuthOptions auth = new AuthOptions().setTokenFile("/etc/procbus/tokens.json");
    assertEquals(auth.toJson(), new AuthOptions(auth.toJson()).toJson());
    assertEquals(auth.toJson(), new AuthOptions(auth).toJson());
    PolicyOptions policy = new PolicyOptions().setPolicyFile("conf/policy.json");
    assertEquals(policy.toJson(), new PolicyOptions(policy.toJson()).toJson());
    assertEquals(policy.toJson(), new PolicyOptions(policy).toJson());
    AuditOptions audit = new AuditOptions().setFile("/var/log/a.log").setMaxBytes(4096).setFiles(2);
    assertEquals(audit.toJson(), new AuditOptions(audit.toJson()).toJson());
    assertEquals(audit.toJson(), new AuditOptions(audit).toJson());
  }

  /**
   * An edge with the defaults (no token file, no policy, no audit file) denies a request, and writes no audit
   * line for it: without a token a spawn is {@code UNAUTHENTICATED}; with tokens but the default policy an
   * authenticated spawn is {@code DENIED}, a denial that the node's audit log (the log-nothing one) does not write.
   */
  @Test
  @Timeout(30)
  void defaultsDenyAndAuditNothing(@TempDir Path dir) throws Exception {
    ProcbusOptions o = ProcbusOptions.fromConfig(new JsonObject());
    assertNull(o.getAuth().getTokenFile());
    assertNull(o.getPolicy().getPolicyFile());
    assertNull(o.getAudit().getFile());
    assertEquals(AuditOptions.DEFAULT_MAX_BYTES, o.getAudit().getMaxBytes());
    assertEquals(AuditOptions.DEFAULT_FILES, o.getAudit().getFiles());

    // the defaults, but for a TCP bridge on an ephemeral port
    JsonObject defaults = new JsonObject().put("bridges", new JsonObject()
      .put("tcp", new JsonObject().put("enabled", true).put("port", 0))
      .put("sockjs", new JsonObject().put("enabled", false)));
    JsonObject spawn = new JsonObject().put("request", new JsonObject().put("command", new JsonArray().add("true")));
    String service = ProcbusOptions.DEFAULT_PREFIX + ".service";
    Vertx vertx = Vertx.vertx();
    try {
      BridgeVerticle unauthenticated = new BridgeVerticle();
      vertx.deployVerticle(unauthenticated, new DeploymentOptions().setConfig(defaults)).await(20, SECONDS);
      try (TcpBridgeClient t = new TcpBridgeClient(unauthenticated.tcpPort())) {
        assertEquals(ErrorCode.UNAUTHENTICATED.code(), failureCode(t.command(service, "spawn", spawn)));
        assertTrue(t.closedByServer(), "the connection is closed after the refusal");
      }

      Path tokens = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
        .add(new JsonObject().put("token", TOKEN).put("principal", "alice").put("roles", new JsonArray().add("user"))))
        .encode());
      JsonObject withTokens = defaults.copy().put("auth", new JsonObject().put("tokenFile", tokens.toString()));
      BridgeVerticle noPolicy = new BridgeVerticle();
      vertx.deployVerticle(noPolicy, new DeploymentOptions().setConfig(withTokens)).await(20, SECONDS);
      try (TcpBridgeClient t = TcpBridgeClient.authenticated(noPolicy.tcpPort(), TOKEN)) {
        assertEquals(ErrorCode.DENIED.code(), failureCode(t.command(service, "spawn", spawn)));
      }

      // the node's trust, shared by the parts of one Vert.x with the same files: the one the bridge audits with
      NodeTrust trust = NodeTrust.acquire(vertx, ProcbusOptions.fromConfig(withTokens));
      try {
        assertSame(AuditLog.NONE, trust.audit(), "no audit file, so the log that writes nothing");
        assertEquals(0, trust.audit().written(), "audit lines written for the denial");
      } finally {
        trust.release(vertx).await(20, SECONDS);
      }
    } finally {
      vertx.close().await(20, SECONDS);
    }
  }

  private static int failureCode(JsonObject frame) {
    assertEquals("err", frame.getString("type"), "an error frame: " + frame);
    return frame.getInteger("failureCode");
  }

  @Test
  @Timeout(10)
  void sectionsAreReadStrictly() {
    ProcbusOptions o = ProcbusOptions.fromConfig(new JsonObject().put("auth", new JsonObject()
      .put("tokenFile", "/t.json")).put("policy", new JsonObject().put("policyFile", "/p.json")));
    assertEquals("/t.json", o.getAuth().getTokenFile());
    assertEquals("/p.json", o.getPolicy().getPolicyFile());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcbusOptions.fromConfig(
      new JsonObject().put("auth", new JsonObject().put("tokenfile", "/t.json"))));
    assertTrue(e.getMessage().contains("auth.tokenfile"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ProcbusOptions.fromConfig(
      new JsonObject().put("audit", new JsonObject().put("maxBytes", "big"))));
    assertTrue(e.getMessage().contains("audit.maxBytes"), e.getMessage());
  }
}
