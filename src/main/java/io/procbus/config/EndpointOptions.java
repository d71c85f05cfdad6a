package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * A listening endpoint of a node (a bridge, the operations HTTP server): off unless enabled, and on loopback unless told otherwise.
 *
 * <p>JSON: {@code {"enabled":true,"host":"127.0.0.1","port":7000}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class EndpointOptions {

  /** Default for {@link #isEnabled()}. */
  public static final boolean DEFAULT_ENABLED = false;
  /** Default for {@link #getHost()}: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default for {@link #getPort()}: 0, an ephemeral port. */
  public static final int DEFAULT_PORT = 0;

  private boolean enabled = DEFAULT_ENABLED;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;

  /** Every default. */
  public EndpointOptions() {
  }

  /** A copy. */
  public EndpointOptions(EndpointOptions other) {
    this.enabled = other.enabled;
    this.host = other.host;
    this.port = other.port;
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public EndpointOptions(JsonObject json) {
    EndpointOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    EndpointOptionsConverter.toJson(this, json);
    return json;
  }

  /** Whether the endpoint listens. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets whether the endpoint listens. */
  public EndpointOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** The address to bind; anything but loopback must be configured on purpose. */
  public String getHost() {
    return host;
  }

  /** Sets the address to bind. */
  public EndpointOptions setHost(String host) {
    this.host = host;
    return this;
  }

  /** The TCP port; 0 picks a free one. */
  public int getPort() {
    return port;
  }

  /** Sets the TCP port. */
  public EndpointOptions setPort(int port) {
    this.port = port;
    return this;
  }
}
