package io.procbus.policy;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessInfo;
import io.procbus.api.SpawnRequest;
import io.procbus.audit.AuditLog;
import io.procbus.auth.Principal;
import io.procbus.auth.TokenStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node checks and records around its commands, with its {@link NodeTrust}: the admission of what a bridge
 * asks (at the bridge, once, sealed), the check of every spawn and run where it runs, and the audit log of spawns,
 * signals, kills, denials and exits.
 *
 * <p>A sealed request (one a bridge admitted) runs exactly as sealed, whatever this node's own policy, if its seal
 * opens with this node's admission key and this node has the capabilities it requires; else it is refused. An
 * unsealed request comes from a Java caller on the bus, the trusted zone: without a policy file it is admitted
 * unchanged; with one, its owner is the principal (roles from the token file, {@link Principal#BUS_ROLE} for an
 * owner not listed there).
 */
public final class ServiceGuard {

  private final NodeTrust trust;
  private final String node;

  /** A guard for node part {@code node} (named in audit lines) with the node's {@code trust}. */
  public ServiceGuard(NodeTrust trust, String node) {
    this.trust = trust;
    this.node = node;
  }

  /** No policy (every spawn admitted) and no audit log: what a service runs with until it is given a guard. */
  public static ServiceGuard unrestricted(String node) {
    return new ServiceGuard(NodeTrust.unrestricted(), node);
  }

  /**
   * Admits {@code request} from {@code principal}, authenticated by a bridge, against the node's policy, and
   * seals it; a denial is audited.
   *
   * @return the request to send on: rewritten by the policy, with its {@code admission}
   * @throws ProcessException {@code DENIED}, naming the check (a node without policy: {@code no-policy})
   */
  public SpawnRequest admitAtEdge(Principal principal, SpawnRequest request) {
    try {
      if (trust.policy() == null) {
        throw noPolicy();
      }
      return trust.key().seal(trust.policy().admit(principal, request, 0), principal.name());
    } catch (ProcessException e) {
      audit("deny", principal.name(), request, e);
      throw e;
    }
  }

  /** The denial of a bridge command on a node without a policy. */
  public static ProcessException noPolicy() {
    return CommandPolicy.deny("no-policy", "this node has no command policy: bridges may do nothing");
  }

  /**
   * Admits a spawn of {@code request} by {@code owner}, who runs {@code liveChildren} children here: a sealed
   * request if its seal opens and this node can honour it, an unsealed one by this node's policy (if any); a
   * denial is audited.
   *
   * @throws ProcessException {@code DENIED} naming the check, or {@code INCAPABLE_NODE}
   */
  public CommandPolicy.Decision admit(String owner, SpawnRequest request, int liveChildren) {
    try {
      CommandPolicy.Decision decision;
      if (request.getAdmission() != null) {
        decision = trust.key().open(request);
      } else if (trust.policy() == null) {
        return CommandPolicy.Decision.unrestricted(request);
      } else {
        decision = trust.policy().admit(trust.tokens().byName(owner), request, liveChildren);
      }
      List<String> missing = new ArrayList<>(decision.requires());
      missing.removeAll(trust.capabilities());
      if (!missing.isEmpty()) {
        throw new ProcessException(ErrorCode.INCAPABLE_NODE, "node " + node + " cannot honour the admitted "
          + "limits: it lacks " + missing + " (rlimits need prlimit(1); runAs needs root and setpriv(1); credentials "
          + "need root)", null,
          new JsonObject().put("rule", "capabilities"), null);
      }
      CommandPolicy.checkChildren(decision, owner, liveChildren);
      return decision;
    } catch (ProcessException e) {
      audit("deny", owner, request, e);
      throw e;
    }
  }

  private void audit(String event, String principal, SpawnRequest request, ProcessException e) {
    JsonObject debug = e.details();
    trust.audit().record(event, new JsonObject().put("principal", principal).put("node", node)
      .put("argv", request.getCommand() != null ? new JsonArray(request.getCommand())
        : new JsonArray().add(request.getShell()))
      .put("cwd", request.getOptions() == null ? null : request.getOptions().getCwd())
      .put("decision", "deny").put("rule", debug.getString("rule"))
      .put("policyRule", debug.getString("policyRule")).put("message", e.getMessage()));
  }

  /** Records a started process. */
  public void spawned(ProcessInfo p, String cwd, String rule) {
    trust.audit().record("spawn", fields(p).put("cwd", cwd).put("decision", "allow").put("policyRule", rule));
  }

  /** Records a signal sent by the owner ({@code KILL} by {@code closeProcess} is recorded as a kill). */
  public void signalled(ProcessInfo p, int signal, boolean group) {
    trust.audit().record(signal == 9 ? "kill" : "signal", fields(p).put("signal", signal).put("group", group));
  }

  /** Records a {@code closeProcess}: a kill. */
  public void killed(ProcessInfo p) {
    trust.audit().record("kill", fields(p).put("signal", 9));
  }

  /** Records an exit. */
  public void exited(ProcessInfo p) {
    trust.audit().record("exit", fields(p).put("exit", p.getExitStatus() == null ? null
      : p.getExitStatus().toJson()));
  }

  private JsonObject fields(ProcessInfo p) {
    return new JsonObject().put("principal", p.getOwner()).put("node", node).put("id", p.getId())
      .put("pid", p.getPid()).put("argv", new JsonArray(p.getArgv()));
  }

  /** The command policy, or {@code null}. */
  public CommandPolicy policy() {
    return trust.policy();
  }

  /** The bearer tokens. */
  public TokenStore tokens() {
    return trust.tokens();
  }

  /** The audit log. */
  public AuditLog audit() {
    return trust.audit();
  }
}
