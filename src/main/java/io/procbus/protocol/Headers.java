package io.procbus.protocol;

/** Header names of procbus messages. */
public final class Headers {

  /** Service proxy method name on command messages (vertx-service-proxy's convention). */
  public static final String ACTION = "action";
  /** Event type on event messages: one of {@link EventType}'s wire names. */
  public static final String TYPE = "type";
  /** Per-process event sequence number on event messages, decimal, from 0, without gaps. */
  public static final String SEQ = "seq";
  /** Process id on event messages. */
  public static final String ID = "id";
  /**
   * Bridge frames only: {@code "Bearer <token>"}; the first frame carrying a valid token authenticates the
   * connection (issue 5). Never forwarded onto the bus.
   */
  public static final String AUTHORIZATION = "authorization";
  /**
   * Commands a bridge forwards: {@link #ORIGIN_BRIDGE}. A service refuses a {@code spawn} or {@code run} with this
   * header and no {@code admission} with {@code DENIED}.
   */
  public static final String ORIGIN = "origin";
  /** The value of {@link #ORIGIN} on what a bridge forwards. */
  public static final String ORIGIN_BRIDGE = "bridge";

  private Headers() {
  }
}
