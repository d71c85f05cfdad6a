package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * Where the command policy is ({@code conf/policy.json} is the example). With a policy file, the node's bridges
 * admit every spawn and run against it (and seal it: it then runs as admitted on any node), and the service
 * checks what bus callers spawn against it; without one, the bridges deny every command and the service runs
 * what the bus asks (a request a bridge admitted still runs only as sealed).
 *
 * <p>JSON: {@code {"policyFile":"conf/policy.json"}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class PolicyOptions {

  private String policyFile;

  /** Every default: no policy. */
  public PolicyOptions() {
  }

  /** A copy. */
  public PolicyOptions(PolicyOptions other) {
    this.policyFile = other.policyFile;
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public PolicyOptions(JsonObject json) {
    PolicyOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    PolicyOptionsConverter.toJson(this, json);
    return json;
  }

  /** The path of the policy file, or {@code null} for none. */
  public String getPolicyFile() {
    return policyFile;
  }

  /** Sets the path of the policy file. */
  public PolicyOptions setPolicyFile(String policyFile) {
    this.policyFile = policyFile;
    return this;
  }
}
