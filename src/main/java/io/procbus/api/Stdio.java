package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * One standard stream's redirection: a {@link StdioMode} plus, for {@link StdioMode#FILE}, a path.
 *
 * <p>JSON: {@code {"mode":"PIPE"}}, {@code {"mode":"FILE","path":"/tmp/out.log","append":true}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class Stdio {

  /** Default for {@link #isAppend()}: a file output is truncated. */
  public static final boolean DEFAULT_APPEND = false;

  private StdioMode mode;
  private String path;
  private boolean append = DEFAULT_APPEND;

  /** An empty redirection; set a mode. */
  public Stdio() {
  }

  /** A copy. */
  public Stdio(Stdio other) {
    this.mode = other.mode;
    this.path = other.path;
    this.append = other.append;
  }

  /** Reads the JSON form. */
  public Stdio(JsonObject json) {
    StdioConverter.fromJson(json, this);
  }

  /** A pipe. */
  public static Stdio pipe() {
    return new Stdio().setMode(StdioMode.PIPE);
  }

  /** {@code /dev/null}. */
  public static Stdio devNull() {
    return new Stdio().setMode(StdioMode.DEVNULL);
  }

  /** The service's own descriptor. */
  public static Stdio inherit() {
    return new Stdio().setMode(StdioMode.INHERIT);
  }

  /** For stderr: merged into stdout. */
  public static Stdio stdout() {
    return new Stdio().setMode(StdioMode.STDOUT);
  }

  /** A file: stdin reads it; stdout or stderr truncate it (created with mode 0666 less the umask). */
  public static Stdio file(String path) {
    return new Stdio().setMode(StdioMode.FILE).setPath(path);
  }

  /** A file that stdout or stderr append to. */
  public static Stdio appendTo(String path) {
    return file(path).setAppend(true);
  }

  /** The mode. */
  public StdioMode getMode() {
    return mode;
  }

  /** Sets the mode. */
  public Stdio setMode(StdioMode mode) {
    this.mode = mode;
    return this;
  }

  /** The file path for {@link StdioMode#FILE}. */
  public String getPath() {
    return path;
  }

  /** Sets the file path for {@link StdioMode#FILE}. */
  public Stdio setPath(String path) {
    this.path = path;
    return this;
  }

  /** Whether a file output is appended to rather than truncated. */
  public boolean isAppend() {
    return append;
  }

  /** Sets whether a file output is appended to rather than truncated. */
  public Stdio setAppend(boolean append) {
    this.append = append;
    return this;
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    StdioConverter.toJson(this, json);
    return json;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
