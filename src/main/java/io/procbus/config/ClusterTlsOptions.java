package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutual TLS on the event bus between cluster members: this member's key and certificate (PEM), and the
 * certificates (PEM: a CA, or each member's own self-signed certificate) it trusts. When enabled, every
 * event-bus connection between members is TLS and each side must present a trusted certificate (client
 * authentication is always required), so a member without one cannot send to or receive from the others.
 *
 * <p>Covers the Vert.x event-bus traffic between members only; Hazelcast's own membership traffic stays
 * plaintext (TLS there is a Hazelcast Enterprise feature): keep its port on a private network.
 *
 * <p>JSON: {@code {"enabled":true,"keyPath":"/etc/procbus/tls/node.key","certPath":"/etc/procbus/tls/node.crt",
 * "trustPaths":["/etc/procbus/tls/ca.crt"]}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ClusterTlsOptions {

  /** Default for {@link #isEnabled()}: off, the event bus between members is plaintext. */
  public static final boolean DEFAULT_ENABLED = false;

  private boolean enabled = DEFAULT_ENABLED;
  private String keyPath;
  private String certPath;
  private List<String> trustPaths = new ArrayList<>();

  /** Every default: TLS off. */
  public ClusterTlsOptions() {
  }

  /** A copy. */
  public ClusterTlsOptions(ClusterTlsOptions other) {
    this.enabled = other.enabled;
    this.keyPath = other.keyPath;
    this.certPath = other.certPath;
    this.trustPaths = new ArrayList<>(other.trustPaths);
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public ClusterTlsOptions(JsonObject json) {
    ClusterTlsOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ClusterTlsOptionsConverter.toJson(this, json);
    return json;
  }

  /** Whether event-bus connections between members use mutual TLS. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether event-bus connections between members use mutual TLS. */
  public ClusterTlsOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** The PEM file of this member's private key (PKCS#8), or {@code null}. */
  public String getKeyPath() {
    return keyPath;
  }

  /** Sets the PEM file of this member's private key. */
  public ClusterTlsOptions setKeyPath(String keyPath) {
    this.keyPath = keyPath;
    return this;
  }

  /** The PEM file of this member's certificate (chain), or {@code null}. */
  public String getCertPath() {
    return certPath;
  }

  /** Sets the PEM file of this member's certificate (chain). */
  public ClusterTlsOptions setCertPath(String certPath) {
    this.certPath = certPath;
    return this;
  }

  /** The PEM files of the certificates a peer's certificate must be issued by (or equal to). */
  public List<String> getTrustPaths() {
    return trustPaths;
  }

  /** Sets the PEM files of the trusted certificates. */
  public ClusterTlsOptions setTrustPaths(List<String> trustPaths) {
    this.trustPaths = trustPaths == null ? new ArrayList<>() : new ArrayList<>(trustPaths);
    return this;
  }
}
