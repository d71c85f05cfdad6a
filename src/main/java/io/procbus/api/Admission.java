package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The seal a bridge puts on a spawn it admitted ({@link SpawnRequest#getAdmission()}): who was admitted, by which
 * policy rule, the limits the executing node must enforce, what it must be able to do, and an HMAC over all of
 * that and the admitted request, under the cluster's admission key.
 *
 * <p>Set only by a bridge; a Java caller leaves it unset (see {@code docs/security.md}). The executing node runs
 * the sealed request exactly, or refuses it with {@code DENIED}. JSON:
 * {@code {"principal":"alice","rule":"users","maxOutputBytes":16777216,"maxLiveChildren":8,
 * "requires":["rlimits"],"key":"3f2a9c01d4e5b6a7","mac":"q7W…"}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class Admission {

  private String principal;
  private String rule;
  private long maxOutputBytes;
  private int maxLiveChildren;
  private List<String> requires = new ArrayList<>();
  private String key;
  private String mac;

  /** An empty admission. */
  public Admission() {
  }

  /** A copy. */
  public Admission(Admission other) {
    this(other.toJson());
  }

  /** Reads the JSON form. */
  public Admission(JsonObject json) {
    AdmissionConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    AdmissionConverter.toJson(this, json);
    return json;
  }

  /** The principal the bridge authenticated: the request's owner. */
  public String getPrincipal() {
    return principal;
  }

  /** Sets the principal. */
  public Admission setPrincipal(String principal) {
    this.principal = principal;
    return this;
  }

  /** The name of the policy rule that admitted the request. */
  public String getRule() {
    return rule;
  }

  /** Sets the rule's name. */
  public Admission setRule(String rule) {
    this.rule = rule;
    return this;
  }

  /** Stdout and stderr bytes together before the kill signal is sent (0: none). */
  public long getMaxOutputBytes() {
    return maxOutputBytes;
  }

  /** Sets the output budget. */
  public Admission setMaxOutputBytes(long maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
    return this;
  }

  /** Live children the principal may have on the executing node. */
  public int getMaxLiveChildren() {
    return maxLiveChildren;
  }

  /** Sets the live-children limit. */
  public Admission setMaxLiveChildren(int maxLiveChildren) {
    this.maxLiveChildren = maxLiveChildren;
    return this;
  }

  /** What the executing node must be able to do: {@code "rlimits"}, {@code "runAs"} (its heartbeat's capabilities). */
  public List<String> getRequires() {
    return requires;
  }

  /** Sets what the executing node must be able to do. */
  public Admission setRequires(List<String> requires) {
    this.requires = requires == null ? new ArrayList<>() : new ArrayList<>(requires);
    return this;
  }

  /** The id of the admission key that sealed it (its heartbeat's {@code admissionKey}). */
  public String getKey() {
    return key;
  }

  /** Sets the key id. */
  public Admission setKey(String key) {
    this.key = key;
    return this;
  }

  /** The HMAC-SHA256, base64url without padding, over the canonical form of the request and this admission. */
  public String getMac() {
    return mac;
  }

  /** Sets the HMAC. */
  public Admission setMac(String mac) {
    this.mac = mac;
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
