package io.procbus.protocol;

/**
 * The bus addresses of one procbus deployment, all derived from a prefix (default {@value #DEFAULT_PREFIX}).
 *
 * <ul>
 *   <li>{@code <prefix>.service}: the {@code ProcessService} of every instance (spawn, run, list);</li>
 *   <li>{@code <prefix>.instance.<instance>}: the same service of one instance, for commands about the
 *       processes it owns;</li>
 *   <li>{@code <prefix>.instance.<instance>.control}: flow-control grants (fire and forget);</li>
 *   <li>{@code <prefix>.process.<id>}: every event of one process, published in sequence;</li>
 *   <li>{@code <prefix>.client.<client>}: the events of every process a client owns, sent to it (protocol
 *       version 2, {@link ProtocolVersion});</li>
 *   <li>{@code <prefix>.nodes}: every instance's heartbeat, published;</li>
 *   <li>{@code <prefix>.node.<node>}: the service of the instances of one node.</li>
 * </ul>
 */
public final class Addresses {

  /** The default prefix. */
  public static final String DEFAULT_PREFIX = "procbus";
  /** Suffix of the shared service address. */
  public static final String SERVICE = "service";
  /** Segment of an instance's own addresses. */
  public static final String INSTANCE = "instance";
  /** Suffix of an instance's control address. */
  public static final String CONTROL = "control";
  /** Segment of a process's event address. */
  public static final String PROCESS = "process";
  /** Segment of a client's own event address (protocol version 2). */
  public static final String CLIENT = "client";
  /** Suffix of the address every instance publishes its heartbeat on. */
  public static final String NODES = "nodes";
  /** Segment of a node's address, bound by every instance of the node. */
  public static final String NODE = "node";
  /** The HTTP path the SockJS bridge is served under (issue 5): {@code http://host:port/eventbus}. */
  public static final String SOCKJS_PATH = "/eventbus";

  private final String prefix;

  /** The addresses under {@code prefix}. */
  public Addresses(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith(".")) {
      throw new IllegalArgumentException("bad address prefix: '" + prefix + "'");
    }
    this.prefix = prefix;
  }

  /** The prefix. */
  public String prefix() {
    return prefix;
  }

  /** {@code <prefix>.service}. */
  public String service() {
    return prefix + "." + SERVICE;
  }

  /** {@code <prefix>.instance.<instance>}. */
  public String instance(String instance) {
    return prefix + "." + INSTANCE + "." + instance;
  }

  /** {@code <prefix>.instance.<instance>.control}. */
  public String control(String instance) {
    return instance(instance) + "." + CONTROL;
  }

  /** {@code <prefix>.nodes}: heartbeats, published. */
  public String nodes() {
    return prefix + "." + NODES;
  }

  /** {@code <prefix>.node.<node>}: the service of any instance of one node. */
  public String node(String node) {
    return prefix + "." + NODE + "." + node;
  }

  /** {@code <prefix>.client.<client>}: where the service sends the events of the client's processes. */
  public String client(String client) {
    return prefix + "." + CLIENT + "." + client;
  }

  /** {@code <prefix>.process.<id>}. */
  public String process(String id) {
    return prefix + "." + PROCESS + "." + id;
  }
}
