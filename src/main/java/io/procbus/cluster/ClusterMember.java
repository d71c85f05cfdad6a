package io.procbus.cluster;

import io.procbus.api.ErrorCode;
import io.procbus.api.NodeInfo;
import io.procbus.api.ProcessException;
import io.procbus.api.SpawnRequest;
import io.procbus.config.ClusterOptions;
import io.procbus.protocol.Addresses;
import io.procbus.protocol.FailureCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * One service instance as a member of a procbus cluster: it publishes its heartbeat (node, instance, address,
 * live children, capacity) on {@code <prefix>.nodes} every {@code heartbeatMillis}, and a last one marked
 * {@code leaving} when it stops; it keeps the heartbeats of the others in a {@link NodeRegistry}, forgetting an
 * instance silent for longer than {@code nodeTimeoutMillis}.
 *
 * <p>Heartbeats run on a plain bus too (instances in one Vert.x see each other, and clients watch them);
 * placement of unnamed spawns on other nodes happens only when {@link #placesSpawns()}.
 *
 * <p>Everything runs on the instance's context.
 */
public final class ClusterMember {

  private static final Logger LOG = Logger.getLogger(ClusterMember.class.getName());
  /** A node name is one address segment, and not one of the reserved words of {@code SpawnRequest.node}. */
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_-]+");

  /** A forwarded run waiting for its reply, failed if its node goes silent. */
  private record Pending(String node, long sinceNanos, Promise<?> reply) {
  }

  private final Vertx vertx;
  private final Addresses addresses;
  private final String node;
  private final String instance;
  private final int capacity;
  private final long heartbeatMillis;
  private final long timeoutMillis;
  private final IntSupplier live;
  private final boolean placesSpawns;
  private final NodeRegistry registry;
  private final List<String> capabilities;
  private final String admissionKey;

  // Context thread only
  private final List<Pending> pending = new ArrayList<>();
  private MessageConsumer<Object> consumer;
  private long timer = -1;

  /**
   * A member for {@code instance}; {@code defaultCapacity} applies when {@code cluster.capacity} is 0;
   * {@code live} counts the instance's live children; {@code capabilities} and {@code admissionKey} (the id of its
   * admission key) say which admitted requests it can run.
   *
   * @throws IllegalArgumentException for a bad node name or timing
   */
  public ClusterMember(Vertx vertx, Addresses addresses, ClusterOptions options, String instance,
                       int defaultCapacity, IntSupplier live, List<String> capabilities, String admissionKey) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.node = options.getNode() != null ? options.getNode() : instance;
    if (!NODE.matcher(node).matches() || SpawnRequest.ANY_NODE.equals(node) || SpawnRequest.LOCAL_NODE.equals(node)) {
      throw new IllegalArgumentException("bad configuration at 'cluster.node': must match " + NODE + " and not be '"
        + SpawnRequest.ANY_NODE + "' or '" + SpawnRequest.LOCAL_NODE + "', got '" + node + "'");
    }
    if (options.getHeartbeatMillis() < 1 || options.getNodeTimeoutMillis() <= options.getHeartbeatMillis()
      || options.getCapacity() < 0) {
      throw new IllegalArgumentException("bad configuration at 'cluster': heartbeatMillis must be positive, "
        + "nodeTimeoutMillis above it, capacity 0 or more: " + options.toJson().encode());
    }
    this.instance = instance;
    this.capacity = options.getCapacity() > 0 ? options.getCapacity() : defaultCapacity;
    this.heartbeatMillis = options.getHeartbeatMillis();
    this.timeoutMillis = options.getNodeTimeoutMillis();
    this.live = live;
    this.placesSpawns = vertx.isClustered() || options.isEnabled();
    this.registry = new NodeRegistry(timeoutMillis);
    this.capabilities = List.copyOf(capabilities);
    this.admissionKey = admissionKey;
  }

  /** This instance's id. */
  public String instance() {
    return instance;
  }

  /** This node's name. */
  public String node() {
    return node;
  }

  /** Whether unnamed spawns are placed on the least-loaded node (in a cluster), rather than run here. */
  boolean placesSpawns() {
    return placesSpawns;
  }

  Addresses addresses() {
    return addresses;
  }

  /** Subscribes to heartbeats and starts publishing its own; completes once subscribed. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(addresses.nodes(), this::onHeartbeat);
    timer = vertx.setPeriodic(1, heartbeatMillis, t -> tick());
    return consumer.completion();
  }

  /** Publishes the {@code leaving} heartbeat, stops and unsubscribes. */
  public Future<Void> stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    // unsubscribe first: our own leaving heartbeat must not reach a consumer that is going away
    Future<Void> unsubscribed = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unsubscribed.andThen(ar -> vertx.eventBus().publish(addresses.nodes(),
      self().setLeaving(true).toJson()));
  }

  private void tick() {
    vertx.eventBus().publish(addresses.nodes(), self().toJson());
    long now = System.nanoTime();
    registry.expire(now);
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.reply().future().isComplete()) {
        it.remove();
      } else if (now - p.sinceNanos() > timeoutMillis * 1_000_000 && !registry.serves(p.node(), now)) {
        it.remove();
        p.reply().tryFail(FailureCodec.toServiceException(new ProcessException(ErrorCode.NODE_LOST, "node "
          + p.node() + " sent no heartbeat for " + timeoutMillis + " ms while running a forwarded run")));
      }
    }
  }

  private void onHeartbeat(Message<Object> message) {
    if (!(message.body() instanceof JsonObject json)) {
      LOG.log(Level.FINE, "ignored a heartbeat that is not a JSON object: {0}", message.body());
      return;
    }
    NodeInfo info;
    try {
      info = new NodeInfo(json);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "ignored a malformed heartbeat " + json, e);
      return;
    }
    if (info.getNode() == null || info.getInstance() == null || info.getAddress() == null) {
      LOG.log(Level.FINE, "ignored a heartbeat without node, instance or address: {0}", json);
      return;
    }
    registry.heard(info, System.nanoTime());
  }

  /** This instance's heartbeat, now. */
  NodeInfo self() {
    return new NodeInfo().setNode(node).setInstance(instance).setAddress(addresses.instance(instance))
      .setLive(live.getAsInt()).setCapacity(capacity).setHeartbeatMillis(heartbeatMillis)
      .setCapabilities(capabilities).setAdmissionKey(admissionKey).setLastSeen(System.currentTimeMillis());
  }

  /** The live instances, this one included (fresh). */
  List<NodeInfo> nodes() {
    List<NodeInfo> all = new ArrayList<>();
    all.add(self());
    for (NodeInfo n : registry.live(System.nanoTime())) {
      if (!n.getInstance().equals(instance)) {
        all.add(n);
      }
    }
    all.sort(java.util.Comparator.comparing(NodeInfo::getNode).thenComparing(NodeInfo::getInstance));
    return all;
  }

  /**
   * The less-loaded instance that is {@code able} to forward an unnamed spawn to, or {@code null}: run it here
   * if this instance is able, else nobody can.
   */
  NodeInfo pick(Predicate<NodeInfo> able) {
    NodeInfo self = self();
    return registry.pick(self, able.test(self), able, System.nanoTime());
  }

  /** The live instances of {@code node} known here, this one included when it is of that node. */
  List<NodeInfo> instancesOf(String node) {
    List<NodeInfo> found = new ArrayList<>();
    for (NodeInfo n : nodes()) {
      if (n.getNode().equals(node)) {
        found.add(n);
      }
    }
    return found;
  }

  /** Fails {@code reply} with {@code NODE_LOST} if {@code node} goes silent before it completes. */
  void watch(String node, Promise<?> reply) {
    pending.add(new Pending(node, System.nanoTime(), reply));
  }
}
