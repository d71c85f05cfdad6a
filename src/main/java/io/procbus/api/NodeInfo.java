package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One service instance of a procbus cluster as the heartbeats report it: an element of {@code nodes}, and the
 * body of a heartbeat on {@code <prefix>.nodes} (see {@code docs/protocol.md}).
 *
 * <p>JSON: {@code {"node":"node-1","instance":"node-1","address":"procbus.instance.node-1","live":3,
 * "capacity":1024,"heartbeatMillis":1000,"leaving":false,"capabilities":["rlimits"],"admissionKey":"3f2a9c01d4e5b6a7",
 * "lastSeen":1764000000000}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class NodeInfo {

  private String node;
  private String instance;
  private String address;
  private int live;
  private int capacity;
  private long heartbeatMillis;
  private boolean leaving;
  private long lastSeen;
  private List<String> capabilities = new ArrayList<>();
  private String admissionKey;

  /** An empty info. */
  public NodeInfo() {
  }

  /** A copy. */
  public NodeInfo(NodeInfo other) {
    this(other.toJson());
  }

  /** Reads the JSON form. */
  public NodeInfo(JsonObject json) {
    NodeInfoConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    NodeInfoConverter.toJson(this, json);
    return json;
  }

  /** The node's name ({@code cluster.node}, or its instance id): what a spawn's {@code node} names. */
  public String getNode() {
    return node;
  }

  /** Sets the node's name. */
  public NodeInfo setNode(String node) {
    this.node = node;
    return this;
  }

  /** The instance id. */
  public String getInstance() {
    return instance;
  }

  /** Sets the instance id. */
  public NodeInfo setInstance(String instance) {
    this.instance = instance;
    return this;
  }

  /** The instance's service address, {@code <prefix>.instance.<instance>}. */
  public String getAddress() {
    return address;
  }

  /** Sets the instance's service address. */
  public NodeInfo setAddress(String address) {
    this.address = address;
    return this;
  }

  /** Live children of the instance when it last reported. */
  public int getLive() {
    return live;
  }

  /** Sets the live children. */
  public NodeInfo setLive(int live) {
    this.live = live;
    return this;
  }

  /** Live children the instance takes before placement prefers others ({@code cluster.capacity}). */
  public int getCapacity() {
    return capacity;
  }

  /** Sets the capacity. */
  public NodeInfo setCapacity(int capacity) {
    this.capacity = capacity;
    return this;
  }

  /** How often the instance reports. */
  public long getHeartbeatMillis() {
    return heartbeatMillis;
  }

  /** Sets how often the instance reports. */
  public NodeInfo setHeartbeatMillis(long heartbeatMillis) {
    this.heartbeatMillis = heartbeatMillis;
    return this;
  }

  /** Whether this is the instance's last report: it is stopping. */
  public boolean isLeaving() {
    return leaving;
  }

  /** Sets whether the instance is stopping. */
  public NodeInfo setLeaving(boolean leaving) {
    this.leaving = leaving;
    return this;
  }

  /** When the answering instance last heard from it, in epoch milliseconds (0 in a heartbeat). */
  public long getLastSeen() {
    return lastSeen;
  }

  /** Sets when it was last heard from. */
  public NodeInfo setLastSeen(long lastSeen) {
    this.lastSeen = lastSeen;
    return this;
  }

  /**
   * What the instance can do for an admitted request: {@code "rlimits"} ({@code prlimit(1)} installed),
   * {@code "runAs"} (root, {@code setpriv(1)} installed).
   */
  public List<String> getCapabilities() {
    return capabilities;
  }

  /** Sets the capabilities. */
  public NodeInfo setCapabilities(List<String> capabilities) {
    this.capabilities = capabilities == null ? new ArrayList<>() : new ArrayList<>(capabilities);
    return this;
  }

  /** The id of the instance's admission key: it runs the requests admitted under that key only. */
  public String getAdmissionKey() {
    return admissionKey;
  }

  /** Sets the admission key id. */
  public NodeInfo setAdmissionKey(String admissionKey) {
    this.admissionKey = admissionKey;
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
