package io.procbus.verticle;

import io.procbus.protocol.Control;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control address of a service instance: credit grants of the owners (fire and forget), one per message or
 * several in a batch (protocol version 2), each renewing its owner's lease. Anything wrong with a grant is
 * logged at {@code FINE} and ignored. Used on the service's context only.
 */
final class ControlGrants {

  private static final Logger LOG = Logger.getLogger(ControlGrants.class.getName());

  private final ProcessTable table;
  private final Leases leases;

  ControlGrants(ProcessTable table, Leases leases) {
    this.table = table;
    this.leases = leases;
  }

  /** Applies the grant {@code message} carries to the process it names, or each grant of a batch. */
  void onControl(Message<Object> message) {
    if (!(message.body() instanceof JsonObject grant)) {
      LOG.log(Level.FINE, "ignored control message: body is not a JSON object: {0}", message.body());
      return;
    }
    Object batch = grant.getValue(Control.GRANTS);
    Object owner = grant.getValue(Control.OWNER);
    if (batch == null) {
      apply(grant, owner);
    } else if (batch instanceof JsonArray grants) {
      for (Object g : grants) {
        if (g instanceof JsonObject one) {
          apply(one, owner); // the batch's owner: one client's grants
        } else {
          LOG.log(Level.FINE, "ignored grant {0}: not a JSON object", g);
        }
      }
    } else {
      LOG.log(Level.FINE, "ignored malformed grants {0}", grant);
    }
  }

  private void apply(JsonObject grant, Object owner) {
    Object id = grant.getValue(Control.ID);
    long stdout = credit(grant, Control.STDOUT);
    long stderr = credit(grant, Control.STDERR);
    if (!(id instanceof String) || (owner != null && !(owner instanceof String)) || stdout < 0 || stderr < 0) {
      LOG.log(Level.FINE, "ignored malformed grant {0}", grant);
      return;
    }
    ManagedProcess p = table.get((String) id);
    if (p == null) {
      LOG.log(Level.FINE, "ignored grant for unknown process {0}", id);
      return;
    }
    if (p.owner != null && !p.owner.equals(owner)) {
      LOG.log(Level.FINE, "ignored grant for {0} from {1}, not its owner", new Object[] {id, owner});
      return;
    }
    if (owner != null) {
      leases.renew((String) owner);
    }
    p.grant(stdout, stderr);
  }

  private static long credit(JsonObject grant, String key) {
    Object v = grant.getValue(key);
    if (v == null) {
      return 0;
    }
    return v instanceof Integer || v instanceof Long ? Math.max(((Number) v).longValue(), -1) : -1;
  }
}
