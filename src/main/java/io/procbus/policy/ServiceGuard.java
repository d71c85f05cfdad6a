package io.procbus.policy;

import io.procbus.api.ProcessInfo;
import io.procbus.api.SpawnRequest;
import io.procbus.audit.AuditLog;
import io.procbus.auth.Principal;
import io.procbus.auth.TokenStore;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;

/**
 * What a service instance checks and records around its commands: the command policy (when configured) on
 * every spawn and run, and the audit log of spawns, signals, kills, denials and exits.
 *
 * <p>Without a policy file every request is admitted unchanged (a {@code ProcessVerticle} deployed from Java
 * without one behaves as before). With one, the owner a request names is the principal: its roles come from
 * the token file, and an owner not listed there (a caller on the bus) has the role {@link Principal#BUS_ROLE}.
 * Bridges always stamp the authenticated principal as the owner, so a bridge caller cannot borrow a name.
 */
public final class ServiceGuard {

  private final CommandPolicy policy;
  private final TokenStore tokens;
  private final AuditLog audit;
  private final String node;

  /** A guard for instance {@code node}; {@code policy} may be {@code null} (unrestricted). */
  public ServiceGuard(CommandPolicy policy, TokenStore tokens, AuditLog audit, String node) {
    this.policy = policy;
    this.tokens = tokens;
    this.audit = audit;
    this.node = node;
  }

  /** No policy (every spawn admitted) and no audit log: what a service runs with until it is given a guard. */
  public static ServiceGuard unrestricted(String node) {
    return new ServiceGuard(null, TokenStore.empty(), AuditLog.NONE, node);
  }

  /**
   * The guard a configuration describes: reads the policy and token files and opens the audit log.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ServiceGuard fromConfig(ProcbusOptions options, String node) {
    String policyFile = options.getPolicy() == null ? null : options.getPolicy().getPolicyFile();
    CommandPolicy policy = policyFile == null ? null : CommandPolicy.load(policyFile);
    TokenStore tokens = TokenStore.load(options.getAuth() == null ? null : options.getAuth().getTokenFile());
    return new ServiceGuard(policy, tokens, AuditLog.open(options.getAudit()), node);
  }

  /**
   * Admits a spawn of {@code request} by {@code owner}, who runs {@code liveChildren} children; a denial is
   * audited.
   *
   * @throws ServiceException {@code DENIED}, naming the rule
   */
  public CommandPolicy.Admission admit(String owner, SpawnRequest request, int liveChildren) {
    if (policy == null) {
      return new CommandPolicy.Admission(request, 0, null);
    }
    try {
      return policy.admit(tokens.byName(owner), request, liveChildren);
    } catch (ServiceException e) {
      audit.record("deny", new JsonObject().put("principal", owner).put("node", node)
        .put("argv", request.getCommand() != null ? new JsonArray(request.getCommand())
          : new JsonArray().add(request.getShell()))
        .put("cwd", request.getOptions() == null ? null : request.getOptions().getCwd())
        .put("decision", "deny").put("rule", e.getDebugInfo().getString("rule"))
        .put("policyRule", e.getDebugInfo().getString("policyRule")).put("message", e.getMessage()));
      throw e;
    }
  }

  /** Records a started process. */
  public void spawned(ProcessInfo p, String cwd, String rule) {
    audit.record("spawn", fields(p).put("cwd", cwd).put("decision", "allow").put("policyRule", rule));
  }

  /** Records a signal sent by the owner ({@code KILL} by {@code closeProcess} is recorded as a kill). */
  public void signalled(ProcessInfo p, int signal, boolean group) {
    audit.record(signal == 9 ? "kill" : "signal", fields(p).put("signal", signal).put("group", group));
  }

  /** Records a {@code closeProcess}: a kill. */
  public void killed(ProcessInfo p) {
    audit.record("kill", fields(p).put("signal", 9));
  }

  /** Records an exit. */
  public void exited(ProcessInfo p) {
    audit.record("exit", fields(p).put("exit", p.getExitStatus() == null ? null : p.getExitStatus().toJson()));
  }

  private JsonObject fields(ProcessInfo p) {
    return new JsonObject().put("principal", p.getOwner()).put("node", node).put("id", p.getId())
      .put("pid", p.getPid()).put("argv", new JsonArray(p.getArgv()));
  }

  /** The audit log. */
  public AuditLog audit() {
    return audit;
  }
}
