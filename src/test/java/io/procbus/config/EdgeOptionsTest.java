package io.procbus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The edge's configuration sections: JSON round trips, defaults, strict reading. */
class EdgeOptionsTest {

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

  @Test
  @Timeout(10)
  void defaultsDenyAndAuditNothing() {
    ProcbusOptions o = ProcbusOptions.fromConfig(new JsonObject());
    assertNull(o.getAuth().getTokenFile());
    assertNull(o.getPolicy().getPolicyFile());
    assertNull(o.getAudit().getFile());
    assertEquals(AuditOptions.DEFAULT_MAX_BYTES, o.getAudit().getMaxBytes());
    assertEquals(AuditOptions.DEFAULT_FILES, o.getAudit().getFiles());
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
