package io.procbus.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the launcher does before Vert.x starts when the node is to be clustered. */
class ClusterLaunchTest {

  private String saved;

  @BeforeEach
  void clearProperty() {
    saved = System.clearProperty(ClusterLaunch.HAZELCAST_CONFIG);
  }

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(ClusterLaunch.HAZELCAST_CONFIG);
    } else {
      System.setProperty(ClusterLaunch.HAZELCAST_CONFIG, saved);
    }
  }

  @Test
  @Timeout(10)
  void clusterEnabledInTheConfigAddsClusterAndTakesConfClusterXml() {
    String[] args = {"-conf", "{\"cluster\":{\"enabled\":true}}"};
    assertArrayEquals(new String[] {"-conf", "{\"cluster\":{\"enabled\":true}}", "-cluster"},
      ClusterLaunch.prepare(args));
    assertEquals(Path.of("conf", "cluster.xml").toAbsolutePath().toString(),
      System.getProperty(ClusterLaunch.HAZELCAST_CONFIG));
  }

  @Test
  @Timeout(10)
  void aConfigFileIsReadToo() {
    String[] args = ClusterLaunch.prepare(new String[] {"-conf", "conf/cluster.json"});
    assertEquals("-cluster", args[args.length - 1]);
  }

  @Test
  @Timeout(10)
  void aNodeThatDoesNotClusterIsLeftAlone() {
    String[] args = {"-conf", "conf/config.json"};
    assertArrayEquals(args, ClusterLaunch.prepare(args));
    assertNull(System.getProperty(ClusterLaunch.HAZELCAST_CONFIG));
  }

  @Test
  @Timeout(10)
  void aGivenHazelcastConfigIsKept() {
    System.setProperty(ClusterLaunch.HAZELCAST_CONFIG, "/etc/mine.xml");
    ClusterLaunch.prepare(new String[] {"-cluster"});
    assertEquals("/etc/mine.xml", System.getProperty(ClusterLaunch.HAZELCAST_CONFIG));
  }

  @Test
  @Timeout(10)
  void withoutAnyLoopbackConfigItRefusesToClusterWithTheMulticastDefault() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> ClusterLaunch.prepare(new String[] {"-cluster"}, Path.of("no", "such", "cluster.xml")));
    assertTrue(e.getMessage().contains("multicast"), e.getMessage());
    assertNull(System.getProperty(ClusterLaunch.HAZELCAST_CONFIG));
  }
}
