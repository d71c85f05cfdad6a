package io.procbus.config;

import io.procbus.api.EngineOptions;
import io.procbus.protocol.Addresses;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The configuration of one procbus service instance ({@code conf/config.json}, the verticle's config).
 *
 * <p>JSON: {@code {"prefix":"procbus","instance":"node-1","limits":{…},"engine":{…},"cluster":{…},
 * "bridges":{…},"http":{…}}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ProcbusOptions {

  /** Default for {@link #getPrefix()}. */
  public static final String DEFAULT_PREFIX = Addresses.DEFAULT_PREFIX;
  /** An instance id is one address segment. */
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_-]+");

  private String prefix = DEFAULT_PREFIX;
  private String instance;
  private LimitsOptions limits = new LimitsOptions();
  private EngineOptions engine = new EngineOptions();
  private ClusterOptions cluster = new ClusterOptions();
  private BridgesOptions bridges = new BridgesOptions();
  private EndpointOptions http = new EndpointOptions();
  private AuthOptions auth = new AuthOptions();
  private PolicyOptions policy = new PolicyOptions();
  private AuditOptions audit = new AuditOptions();

  /** Every default. */
  public ProcbusOptions() {
  }

  /** Reads the JSON form (leniently; use {@link #fromConfig} for configuration). */
  public ProcbusOptions(JsonObject json) {
    ProcbusOptionsConverter.fromJson(json, this);
  }

  /**
   * Reads a configuration strictly: unknown keys, wrong types and values out of range are refused. A node reads
   * it once and hands the result to its parts.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  public static ProcbusOptions fromConfig(JsonObject config) {
    ProcbusOptions o = ConfigReader.read(config == null ? new JsonObject() : config, ProcbusOptions.class);
    try {
      new Addresses(o.prefix);
    } catch (IllegalArgumentException e) {
      throw bad("prefix", e.getMessage());
    }
    if (o.instance != null && !INSTANCE.matcher(o.instance).matches()) {
      throw bad("instance", "must match " + INSTANCE + ", got '" + o.instance + "'");
    }
    o.limits = o.limits == null ? new LimitsOptions() : o.limits;
    o.engine = o.engine == null ? new EngineOptions() : o.engine;
    LimitsOptions l = o.limits;
    atLeast("limits.maxProcesses", l.getMaxProcesses(), 1);
    atLeast("limits.maxProcessesPerOwner", l.getMaxProcessesPerOwner(), 1);
    atLeast("limits.maxStdinMessageBytes", l.getMaxStdinMessageBytes(), 1);
    atLeast("limits.maxRunOutputBytes", l.getMaxRunOutputBytes(), 0);
    atLeast("limits.spawnTimeoutMillis", l.getSpawnTimeoutMillis(), 1);
    atLeast("limits.leaseMillis", l.getLeaseMillis(), 1);
    atLeast("limits.retainClosedMillis", l.getRetainClosedMillis(), 0);
    // a full ring must fit one replay reply within a bridge frame (4 MiB): base64 and JSON add about a half
    between("limits.replayMaxBytes", l.getReplayMaxBytes(), 0, LimitsOptions.MAX_REPLAY_BYTES);
    between("limits.replayMaxEvents", l.getReplayMaxEvents(), 0, LimitsOptions.MAX_REPLAY_EVENTS);
    atLeast("limits.replayMaxClosed", l.getReplayMaxClosed(), 0);
    atLeast("engine.killGraceMillis", o.engine.getKillGraceMillis(), 0);
    atLeast("engine.readBufferSize", o.engine.getReadBufferSize(), 1024);
    if (o.engine.getShell() == null || o.engine.getShell().isEmpty()) {
      throw bad("engine.shell", "must be a non-empty path");
    }
    return o;
  }

  private static void atLeast(String path, long value, long min) {
    if (value < min) {
      throw bad(path, "must be at least " + min + ", got " + value);
    }
  }

  private static void between(String path, long value, long min, long max) {
    atLeast(path, value, min);
    if (value > max) {
      throw bad(path, "must be at most " + max + ", got " + value);
    }
  }

  private static IllegalArgumentException bad(String path, String what) {
    return new IllegalArgumentException("bad configuration at '" + path + "': " + what);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ProcbusOptionsConverter.toJson(this, json);
    return json;
  }

  /** The address prefix of every bus address. */
  public String getPrefix() {
    return prefix;
  }

  /** Sets the address prefix. */
  public ProcbusOptions setPrefix(String prefix) {
    this.prefix = prefix;
    return this;
  }

  /** This instance's id in its addresses ({@code [A-Za-z0-9_-]+}), or {@code null} for a random one. */
  public String getInstance() {
    return instance;
  }

  /** Sets this instance's id. */
  public ProcbusOptions setInstance(String instance) {
    this.instance = instance;
    return this;
  }

  /** The service limits. */
  public LimitsOptions getLimits() {
    return limits;
  }

  /** Sets the service limits. */
  public ProcbusOptions setLimits(LimitsOptions limits) {
    this.limits = limits;
    return this;
  }

  /** The process engine settings (kill grace on stop, shell, read size). */
  public EngineOptions getEngine() {
    return engine;
  }

  /** Sets the process engine settings. */
  public ProcbusOptions setEngine(EngineOptions engine) {
    this.engine = engine;
    return this;
  }

  /** How the node takes part in a cluster. */
  public ClusterOptions getCluster() {
    return cluster;
  }

  /** Sets how the node takes part in a cluster. */
  public ProcbusOptions setCluster(ClusterOptions cluster) {
    this.cluster = cluster;
    return this;
  }

  /** The event-bus bridges (TCP, SockJS). */
  public BridgesOptions getBridges() {
    return bridges;
  }

  /** Sets the event-bus bridges. */
  public ProcbusOptions setBridges(BridgesOptions bridges) {
    this.bridges = bridges;
    return this;
  }

  /** The operations HTTP server (health and metrics). */
  public EndpointOptions getHttp() {
    return http;
  }

  /** Sets the operations HTTP server. */
  public ProcbusOptions setHttp(EndpointOptions http) {
    this.http = http;
    return this;
  }

  /** How bridge connections authenticate. */
  public AuthOptions getAuth() {
    return auth;
  }

  /** Sets how bridge connections authenticate. */
  public ProcbusOptions setAuth(AuthOptions auth) {
    this.auth = auth;
    return this;
  }

  /** The command policy. */
  public PolicyOptions getPolicy() {
    return policy;
  }

  /** Sets the command policy. */
  public ProcbusOptions setPolicy(PolicyOptions policy) {
    this.policy = policy;
    return this;
  }

  /** The audit log. */
  public AuditOptions getAudit() {
    return audit;
  }

  /** Sets the audit log. */
  public ProcbusOptions setAudit(AuditOptions audit) {
    this.audit = audit;
    return this;
  }
}
