package io.procbus.client;

import io.procbus.protocol.Addresses;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How a {@link ProcessClient} reaches its service and paces its streams.
 *
 * <p>JSON: {@code {"prefix":"procbus","owner":"c0ffee","window":262144,"leaseRenewMillis":10000,
 * "requestTimeoutMillis":30000,"observerMaxEvents":1024,"observerMaxBytes":4194304,"node":"any",
 * "nodeTimeoutMillis":5000}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ProcessClientOptions {

  /** Default for {@link #getPrefix()}: the service's default prefix. */
  public static final String DEFAULT_PREFIX = Addresses.DEFAULT_PREFIX;
  /** Default for {@link #getWindow()}: 256 KiB of credit per stream. */
  public static final int DEFAULT_WINDOW = 256 * 1024;
  /** Default for {@link #getLeaseRenewMillis()}: every 10 s, a third of the service's default 30 s lease. */
  public static final long DEFAULT_LEASE_RENEW_MILLIS = 10_000;
  /** Default for {@link #getRequestTimeoutMillis()}: 30 s. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 30_000;
  /** Default for {@link #getObserverMaxEvents()}: 1,024 events held per observer. */
  public static final int DEFAULT_OBSERVER_MAX_EVENTS = 1024;
  /** Default for {@link #getObserverMaxBytes()}: 4 MiB of chunk data held per observer. */
  public static final long DEFAULT_OBSERVER_MAX_BYTES = 4L * 1024 * 1024;
  /** Default for {@link #getNodeTimeoutMillis()}: 5 s, the service's default {@code cluster.nodeTimeoutMillis}. */
  public static final long DEFAULT_NODE_TIMEOUT_MILLIS = 5_000;

  private String prefix = DEFAULT_PREFIX;
  private String serviceAddress;
  private String owner;
  private int window = DEFAULT_WINDOW;
  private long leaseRenewMillis = DEFAULT_LEASE_RENEW_MILLIS;
  private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
  private int observerMaxEvents = DEFAULT_OBSERVER_MAX_EVENTS;
  private long observerMaxBytes = DEFAULT_OBSERVER_MAX_BYTES;
  private String node;
  private long nodeTimeoutMillis = DEFAULT_NODE_TIMEOUT_MILLIS;
  private Boolean clientEvents;

  /** Options with every default. */
  public ProcessClientOptions() {
  }

  /** A copy. */
  public ProcessClientOptions(ProcessClientOptions other) {
    this.prefix = other.prefix;
    this.serviceAddress = other.serviceAddress;
    this.owner = other.owner;
    this.window = other.window;
    this.leaseRenewMillis = other.leaseRenewMillis;
    this.requestTimeoutMillis = other.requestTimeoutMillis;
    this.observerMaxEvents = other.observerMaxEvents;
    this.observerMaxBytes = other.observerMaxBytes;
    this.node = other.node;
    this.nodeTimeoutMillis = other.nodeTimeoutMillis;
    this.clientEvents = other.clientEvents;
  }

  /** Reads the JSON form. */
  public ProcessClientOptions(JsonObject json) {
    this();
    ProcessClientOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ProcessClientOptionsConverter.toJson(this, json);
    return json;
  }

  /** The service's address prefix. */
  public String getPrefix() {
    return prefix;
  }

  /** Sets the service's address prefix. */
  public ProcessClientOptions setPrefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  /**
   * Where spawns and runs go, or {@code null} for {@code <prefix>.service} (any instance). Set an instance
   * address ({@code <prefix>.instance.<instance>}) to pin one instance.
   */
  public String getServiceAddress() {
    return serviceAddress;
  }

  /** Sets where spawns and runs go. */
  public ProcessClientOptions setServiceAddress(String serviceAddress) {
    this.serviceAddress = serviceAddress;
    return this;
  }

  /** The owner id of every child this client starts, or {@code null} for a random UUID per client. */
  public String getOwner() {
    return owner;
  }

  /** Sets the owner id. */
  public ProcessClientOptions setOwner(String owner) {
    this.owner = owner;
    return this;
  }

  /**
   * Credit kept outstanding per stream while it is read, in bytes: the most a stream has in flight on the
   * bus. A client holds at most {@code 2 × limit + window} bytes per stream (plus one read at exit).
   */
  public int getWindow() {
    return window;
  }

  /** Sets the credit window per stream. */
  public ProcessClientOptions setWindow(int window) {
    this.window = window;
    return this;
  }

  /**
   * How often the owner's lease is renewed on every instance it has live children on; 0 turns renewal off
   * (the service then terminates the children when the lease expires, unless other commands renew it).
   */
  public long getLeaseRenewMillis() {
    return leaseRenewMillis;
  }

  /** Sets how often the lease is renewed (0: never). */
  public ProcessClientOptions setLeaseRenewMillis(long leaseRenewMillis) {
    this.leaseRenewMillis = leaseRenewMillis;
    return this;
  }

  /**
   * How long a command waits for its reply before failing with {@code TIMEOUT}. Stdin writes, stdin close
   * and runs are not bounded by it: they wait for the child.
   */
  public long getRequestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /** Sets how long a command waits for its reply. */
  public ProcessClientOptions setRequestTimeoutMillis(long requestTimeoutMillis) {
    this.requestTimeoutMillis = requestTimeoutMillis;
    return this;
  }

  /**
   * Events a {@link ProcessObserver} holds while its reader is paused or slow; beyond it, arriving chunks are
   * dropped and reported as missed (other events may use {@link ProcessObserver#LIFECYCLE_RESERVE} more).
   */
  public int getObserverMaxEvents() {
    return observerMaxEvents;
  }

  /** Sets the events an observer holds (at least 1). */
  public ProcessClientOptions setObserverMaxEvents(int observerMaxEvents) {
    this.observerMaxEvents = observerMaxEvents;
    return this;
  }

  /**
   * Bytes of chunk data a {@link ProcessObserver} holds while its reader is paused or slow; a chunk that would
   * go beyond it is dropped and reported as missed.
   */
  public long getObserverMaxBytes() {
    return observerMaxBytes;
  }

  /** Sets the bytes of chunk data an observer holds (at least 1). */
  public ProcessClientOptions setObserverMaxBytes(long observerMaxBytes) {
    this.observerMaxBytes = observerMaxBytes;
    return this;
  }

  /**
   * Where this client's children run: {@code null} or {@code "any"} for the node the service picks,
   * {@code "local"} for a service in this JVM (sent with {@code localOnly}; {@code UNKNOWN_NODE} without one),
   * or a node name. A run's own {@code spawn.node} takes precedence.
   */
  public String getNode() {
    return node;
  }

  /** Sets where this client's children run. */
  public ProcessClientOptions setNode(String node) {
    this.node = node;
    return this;
  }

  /**
   * Silence after which a service instance holding children of this client is taken for lost: its children
   * fail with {@code NODE_LOST} (heartbeats come every {@code cluster.heartbeatMillis}, 1 s by default; keep
   * this above the services' period). 0 turns the watch off.
   */
  public long getNodeTimeoutMillis() {
    return nodeTimeoutMillis;
  }

  /** Sets the silence after which an instance is taken for lost (0: never). */
  public ProcessClientOptions setNodeTimeoutMillis(long nodeTimeoutMillis) {
    this.nodeTimeoutMillis = nodeTimeoutMillis;
    return this;
  }

  /**
   * Whether the client takes its children's events on one address of its own, {@code <prefix>.client.<client>}
   * (protocol version 2: one registration for the client, not one per child, which on a clustered bus is a
   * cluster-wide registration per spawn), or subscribes to each child's address (version 1). {@code null}, the
   * default: on a clustered bus only (in one JVM a registration costs nothing cluster-wide, and the per-child
   * consumer delivers on the child's own context).
   */
  public Boolean getClientEvents() {
    return clientEvents;
  }

  /** Sets whether the client takes its children's events on one address of its own ({@code null}: when clustered). */
  public ProcessClientOptions setClientEvents(Boolean clientEvents) {
    this.clientEvents = clientEvents;
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
