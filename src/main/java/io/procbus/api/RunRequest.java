package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Run to completion, like Python's {@code subprocess.run}: spawn, feed {@link #getInput()}, capture stdout
 * and stderr up to {@link #getMaxOutputBytes()} each, wait for exit. asyncio: {@code communicate(input)}.
 *
 * <p>JSON: {@code {"spawn":{"command":["wc","-c"]},"input":"YWJj","maxOutputBytes":1048576}} (input in base64).
 */
@DataObject
@JsonGen(publicConverter = false)
public class RunRequest {

  /** Default for {@link #getMaxOutputBytes()}: 1 MiB per stream. */
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

  private SpawnRequest spawn = new SpawnRequest();
  private Buffer input;
  private int maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;

  /** An empty request. */
  public RunRequest() {
  }

  /** Reads the JSON form. */
  public RunRequest(JsonObject json) {
    RunRequestConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    RunRequestConverter.toJson(this, json);
    return json;
  }

  /** What to run. */
  public SpawnRequest getSpawn() {
    return spawn;
  }

  /** Sets what to run. */
  public RunRequest setSpawn(SpawnRequest spawn) {
    this.spawn = spawn;
    return this;
  }

  /** Bytes for stdin (then closed), or {@code null} to close stdin at once. */
  public Buffer getInput() {
    return input;
  }

  /** Sets the bytes for stdin. */
  public RunRequest setInput(Buffer input) {
    this.input = input;
    return this;
  }

  /** Bytes kept per stream; beyond them output is read and dropped, and the result says it was cut. */
  public int getMaxOutputBytes() {
    return maxOutputBytes;
  }

  /** Sets the bytes kept per stream (capped by the service's own limit). */
  public RunRequest setMaxOutputBytes(int maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
    return this;
  }
}
