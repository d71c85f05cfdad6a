package io.procbus.config;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How bridge connections authenticate: bearer tokens listed in a token file (env {@code PROCBUS_TOKEN_FILE}
 * maps to {@code auth.tokenFile}). Without a token file every bridge connection is refused; the launcher then
 * makes a first-start token file for a node on loopback, and refuses to start a node bound beyond it.
 *
 * <p>JSON: {@code {"tokenFile":"/etc/procbus/tokens.json"}}. The file:
 * {@code {"tokens":[{"token":"…","principal":"alice","roles":["user"]}]}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class AuthOptions {

  private String tokenFile;

  /** Every default: no token file, so no bridge connection is accepted. */
  public AuthOptions() {
  }

  /** A copy. */
  public AuthOptions(AuthOptions other) {
    this.tokenFile = other.tokenFile;
  }

  /** Reads the JSON form (leniently; use {@link ConfigReader} for configuration files). */
  public AuthOptions(JsonObject json) {
    AuthOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    AuthOptionsConverter.toJson(this, json);
    return json;
  }

  /** The path of the token file, or {@code null}: no bridge connection authenticates. */
  public String getTokenFile() {
    return tokenFile;
  }

  /** Sets the path of the token file. */
  public AuthOptions setTokenFile(String tokenFile) {
    this.tokenFile = tokenFile;
    return this;
  }
}
