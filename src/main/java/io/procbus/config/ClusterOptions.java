package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How a node takes part in a procbus cluster: its name, its capacity, and how nodes see each other.
 *
 * <p>JSON: {@code {"enabled":false,"node":"node-1","capacity":512,"heartbeatMillis":1000,"nodeTimeoutMillis":5000,
 * "admissionKeyFile":"/etc/procbus/admission.key"}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ClusterOptions {

  /** Default for {@link #isEnabled()}. */
  public static final boolean DEFAULT_ENABLED = false;
  /** Default for {@link #getCapacity()}: 0, the service's {@code limits.maxProcesses}. */
  public static final int DEFAULT_CAPACITY = 0;
  /** Default for {@link #getHeartbeatMillis()}: 1 s. */
  public static final long DEFAULT_HEARTBEAT_MILLIS = 1_000L;
  /** Default for {@link #getNodeTimeoutMillis()}: 5 s. */
  public static final long DEFAULT_NODE_TIMEOUT_MILLIS = 5_000L;

  private boolean enabled = DEFAULT_ENABLED;
  private String node;
  private int capacity = DEFAULT_CAPACITY;
  private long heartbeatMillis = DEFAULT_HEARTBEAT_MILLIS;
  private long nodeTimeoutMillis = DEFAULT_NODE_TIMEOUT_MILLIS;
  private String admissionKeyFile;

  /** Every default. */
  public ClusterOptions() {
  }

  /** A copy. */
  public ClusterOptions(ClusterOptions other) {
    this.enabled = other.enabled;
    this.node = other.node;
    this.capacity = other.capacity;
    this.heartbeatMillis = other.heartbeatMillis;
    this.nodeTimeoutMillis = other.nodeTimeoutMillis;
    this.admissionKeyFile = other.admissionKeyFile;
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public ClusterOptions(JsonObject json) {
    ClusterOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ClusterOptionsConverter.toJson(this, json);
    return json;
  }

  /** Whether the node starts clustered (as {@code -cluster} does). */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether the node starts clustered. */
  public ClusterOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** This node's name (spawn on a named node with it), or {@code null} for the instance id. */
  public String getNode() {
    return node;
  }

  /** Sets this node's name. */
  public ClusterOptions setNode(String node) {
    this.node = node;
    return this;
  }

  /** Live children this node takes before placement prefers others. */
  public int getCapacity() {
    return capacity;
  }

  /** Sets the capacity. */
  public ClusterOptions setCapacity(int capacity) {
    this.capacity = capacity;
    return this;
  }

  /** How often the node announces itself and its load. */
  public long getHeartbeatMillis() {
    return heartbeatMillis;
  }

  /** Sets how often the node announces itself. */
  public ClusterOptions setHeartbeatMillis(long heartbeatMillis) {
    this.heartbeatMillis = heartbeatMillis;
    return this;
  }

  /** Silence after which a node is taken for lost. */
  public long getNodeTimeoutMillis() {
    return nodeTimeoutMillis;
  }

  /** Sets the silence after which a node is taken for lost. */
  public ClusterOptions setNodeTimeoutMillis(long nodeTimeoutMillis) {
    this.nodeTimeoutMillis = nodeTimeoutMillis;
    return this;
  }

  /**
   * The file of the key every node of the cluster shares to seal and check what bridges admit (at least 32
   * bytes, secret), or {@code null}: a random key of this JVM, so requests admitted by this node's bridges run
   * on this node only.
   */
  public String getAdmissionKeyFile() {
    return admissionKeyFile;
  }

  /** Sets the file of the cluster's admission key. */
  public ClusterOptions setAdmissionKeyFile(String admissionKeyFile) {
    this.admissionKeyFile = admissionKeyFile;
    return this;
  }
}
