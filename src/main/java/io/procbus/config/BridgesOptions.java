package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus bridges of a node: the TCP bridge and the SockJS bridge (served under {@code /eventbus}).
 *
 * <p>JSON: {@code {"tcp":{"enabled":true,"port":7000},"sockjs":{"enabled":true,"port":8080}}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class BridgesOptions {


  private EndpointOptions tcp = new EndpointOptions();
  private EndpointOptions sockjs = new EndpointOptions();

  /** Every default. */
  public BridgesOptions() {
  }

  /** A copy. */
  public BridgesOptions(BridgesOptions other) {
    this.tcp = new EndpointOptions(other.tcp);
    this.sockjs = new EndpointOptions(other.sockjs);
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public BridgesOptions(JsonObject json) {
    BridgesOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    BridgesOptionsConverter.toJson(this, json);
    return json;
  }

  /** The TCP event-bus bridge. */
  public EndpointOptions getTcp() {
    return tcp;
  }

  /** Sets the TCP event-bus bridge. */
  public BridgesOptions setTcp(EndpointOptions tcp) {
    this.tcp = tcp;
    return this;
  }

  /** The SockJS event-bus bridge. */
  public EndpointOptions getSockjs() {
    return sockjs;
  }

  /** Sets the SockJS event-bus bridge. */
  public BridgesOptions setSockjs(EndpointOptions sockjs) {
    this.sockjs = sockjs;
    return this;
  }
}
