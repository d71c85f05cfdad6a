package io.procbus.protocol;

/**
 * Fields of a heartbeat, published by every service instance on {@code <prefix>.nodes} every
 * {@code cluster.heartbeatMillis}, and once more with {@link #LEAVING} true when it stops:
 * {@code {"node":"node-1","instance":"node-1","address":"procbus.instance.node-1","live":3,"capacity":1024,
 * "heartbeatMillis":1000,"leaving":false,"capabilities":["rlimits"],"admissionKey":"3f2a9c01d4e5b6a7"}} (the JSON
 * form of {@code io.procbus.api.NodeInfo}).
 *
 * <p>Instances place spawns by them; clients watch the instances holding their children by them and give
 * those children up with {@code NODE_LOST} after a silence longer than their node timeout.
 */
public final class Heartbeat {

  /** The node's name. */
  public static final String NODE = "node";
  /** The instance id. */
  public static final String INSTANCE = "instance";
  /** The instance's service address. */
  public static final String ADDRESS = "address";
  /** Its live children. */
  public static final String LIVE = "live";
  /** Its capacity. */
  public static final String CAPACITY = "capacity";
  /** Its heartbeat period in milliseconds. */
  public static final String HEARTBEAT_MILLIS = "heartbeatMillis";
  /** True in the last heartbeat of an instance that stops. */
  public static final String LEAVING = "leaving";
  /** What it can do for an admitted request: {@code "rlimits"}, {@code "runAs"}. */
  public static final String CAPABILITIES = "capabilities";
  /** The id of its admission key. */
  public static final String ADMISSION_KEY = "admissionKey";

  private Heartbeat() {
  }
}
