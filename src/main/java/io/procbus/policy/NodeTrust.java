package io.procbus.policy;

import io.procbus.audit.AuditLog;
import io.procbus.auth.TokenStore;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.logging.Logger;

/**
 * What a node trusts and enforces, read once per node however many parts use it: the command policy, the
 * bearer tokens, the admission key, this JVM's {@link Capabilities}, and the audit log.
 *
 * <p>The service ({@code ProcessVerticle}) and the bridges ({@code BridgeVerticle}) of one Vert.x with the same
 * configuration of these files share one instance: the first to {@link #acquire} it reads the files and opens
 * the log, the last to {@link #release} it closes the log. Immutable except for that count.
 */
public final class NodeTrust implements Shareable {

  private static final Logger LOG = Logger.getLogger(NodeTrust.class.getName());
  private static final String MAP = "procbus.node-trust";

  private final String id;
  private final CommandPolicy policy;
  private final TokenStore tokens;
  private final AdmissionKey key;
  private final AuditLog audit;
  /** Parts holding it; changed only inside the shared map's {@code compute}. */
  private int users;

  private NodeTrust(String id, CommandPolicy policy, TokenStore tokens, AdmissionKey key, AuditLog audit) {
    this.id = id;
    this.policy = policy;
    this.tokens = tokens;
    this.key = key;
    this.audit = audit;
  }

  /** Unrestricted: no policy, no token, this JVM's key, no audit log. For a service given no configuration. */
  public static NodeTrust unrestricted() {
    return new NodeTrust(null, null, TokenStore.empty(), AdmissionKey.perJvm(), AuditLog.NONE);
  }

  /**
   * The node's trust for {@code options}: read now if no part of {@code vertx} holds one for the same files.
   *
   * @throws IllegalArgumentException naming what is wrong with a file
   */
  public static NodeTrust acquire(Vertx vertx, ProcbusOptions options) {
    String id = new JsonObject().put("policy", options.getPolicy().toJson()).put("auth", options.getAuth().toJson())
      .put("audit", options.getAudit().toJson()).put("key", options.getCluster().getAdmissionKeyFile()).encode();
    LocalMap<String, NodeTrust> map = vertx.sharedData().getLocalMap(MAP);
    return map.compute(id, (k, held) -> {
      NodeTrust t = held != null ? held : load(k, options);
      t.users++;
      return t;
    });
  }

  private static NodeTrust load(String id, ProcbusOptions options) {
    String policyFile = options.getPolicy().getPolicyFile();
    CommandPolicy policy = policyFile == null ? null : CommandPolicy.load(policyFile);
    TokenStore tokens = TokenStore.load(options.getAuth().getTokenFile());
    AdmissionKey key = AdmissionKey.load(options.getCluster().getAdmissionKeyFile());
    AuditLog audit = AuditLog.open(options.getAudit()); // last: it starts a thread
    LOG.info(() -> "node trust loaded: policy " + policyFile + ", tokens " + options.getAuth().getTokenFile()
      + ", admission key " + key.id() + (key.shared() ? " (shared)" : " (this JVM's)") + ", capabilities "
      + Capabilities.ofThisNode());
    return new NodeTrust(id, policy, tokens, key, audit);
  }

  /** Gives it back; the last part to do so closes the audit log (off the event loop, writing what is queued). */
  public Future<Void> release(Vertx vertx) {
    if (id == null) {
      return Future.succeededFuture();
    }
    boolean[] last = new boolean[1];
    vertx.sharedData().<String, NodeTrust>getLocalMap(MAP).computeIfPresent(id, (k, held) -> {
      if (held != this) {
        return held;
      }
      last[0] = --users == 0;
      return last[0] ? null : this;
    });
    return last[0] ? vertx.executeBlocking(() -> {
      audit.close();
      return null;
    }) : Future.succeededFuture();
  }

  /** The command policy, or {@code null}: bridges deny everything, the service runs what the bus asks. */
  public CommandPolicy policy() {
    return policy;
  }

  /** The bearer tokens of the bridges (empty without a token file). */
  public TokenStore tokens() {
    return tokens;
  }

  /** The key that seals and opens admissions. */
  public AdmissionKey key() {
    return key;
  }

  /** The audit log ({@link AuditLog#NONE} without a file). */
  public AuditLog audit() {
    return audit;
  }

  /** What this node can do for an admitted request. */
  public List<String> capabilities() {
    return Capabilities.ofThisNode();
  }
}
