package io.procbus.config;

import io.procbus.api.EngineOptions;
import io.procbus.protocol.Addresses;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

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
   * Reads a configuration strictly: unknown keys and wrong types are refused.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  public static ProcbusOptions fromConfig(JsonObject config) {
    return ConfigReader.read(config == null ? new JsonObject() : config, ProcbusOptions.class);
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

  /** This instance's id in its addresses, or {@code null} for a random one. */
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
