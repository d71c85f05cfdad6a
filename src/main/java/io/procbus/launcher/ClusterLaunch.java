package io.procbus.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the launcher does before Vert.x starts when a node is to be clustered: {@code cluster.enabled} in the
 * configuration adds {@code -cluster}; a clustered start without {@code -Dvertx.hazelcast.config} takes
 * {@code conf/cluster.xml} (loopback, TCP-IP join); and without either it refuses to start rather than join
 * with vertx-hazelcast's built-in configuration, which uses multicast on every interface.
 */
final class ClusterLaunch {

  /** The system property vertx-hazelcast reads its configuration file from. */
  static final String HAZELCAST_CONFIG = "vertx.hazelcast.config";
  /** The configuration used when the property is unset. */
  static final Path DEFAULT_HAZELCAST_CONFIG = Path.of("conf", "cluster.xml");

  private static final Set<String> CLUSTER_FLAGS = Set.of("-cluster", "--cluster", "-c");
  private static final Set<String> CONF_FLAGS = Set.of("-conf", "--conf");

  private ClusterLaunch() {
  }

  /**
   * The launcher arguments, with {@code -cluster} added when the configuration enables clustering; sets
   * {@value #HAZELCAST_CONFIG} when clustering and it is unset.
   *
   * @throws IllegalArgumentException when clustering would fall back to the multicast default
   */
  static String[] prepare(String[] args) {
    return prepare(args, DEFAULT_HAZELCAST_CONFIG);
  }

  /** As {@link #prepare(String[])}, with {@code defaultConfig} in place of {@code conf/cluster.xml}. */
  static String[] prepare(String[] args, Path defaultConfig) {
    List<String> out = new ArrayList<>(List.of(args));
    boolean clustered = out.stream().anyMatch(CLUSTER_FLAGS::contains);
    if (!clustered && clusterEnabled(out)) {
      out.add("-cluster");
      clustered = true;
    }
    if (clustered && System.getProperty(HAZELCAST_CONFIG) == null) {
      if (Files.isRegularFile(defaultConfig)) {
        System.setProperty(HAZELCAST_CONFIG, defaultConfig.toAbsolutePath().toString());
      } else if (ClusterLaunch.class.getClassLoader().getResource("cluster.xml") == null) {
        throw new IllegalArgumentException("refusing to cluster with vertx-hazelcast's default configuration "
          + "(multicast on every interface): no " + defaultConfig + " here and no -D" + HAZELCAST_CONFIG
          + "=<file>");
      }
    }
    return out.toArray(new String[0]);
  }

  /** {@code cluster.enabled} of the {@code -conf} file or inline JSON; false when it cannot be read. */
  private static boolean clusterEnabled(List<String> args) {
    for (int i = 0; i < args.size() - 1; i++) {
      if (CONF_FLAGS.contains(args.get(i))) {
        String value = args.get(i + 1).trim();
        try {
          JsonObject conf = new JsonObject(value.startsWith("{") ? value : Files.readString(Path.of(value)));
          JsonObject cluster = conf.getValue("cluster") instanceof JsonObject c ? c : new JsonObject();
          return Boolean.TRUE.equals(cluster.getValue("enabled"));
        } catch (IOException | RuntimeException e) {
          return false; // the launcher reads it again and reports what is wrong with it
        }
      }
    }
    return false;
  }
}
