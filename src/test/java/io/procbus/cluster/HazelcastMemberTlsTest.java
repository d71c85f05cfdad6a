package io.procbus.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.config.Config;
import com.hazelcast.config.SSLConfig;
import com.hazelcast.core.Hazelcast;
import java.net.ServerSocket;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Why {@code cluster.tls} covers the event bus only (docs/security.md): the Hazelcast procbus ships refuses TLS
 * on its own member protocol, which is an Enterprise feature. If this test fails, Hazelcast member TLS became
 * available and the documentation should say how to use it.
 */
class HazelcastMemberTlsTest {

  @Test
  @Timeout(60)
  void openSourceHazelcastRefusesMemberTls() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Config config = new Config().setClusterName("procbus-tls-check-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false)
      .setSSLConfig(new SSLConfig().setEnabled(true))
      .getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      Hazelcast.newHazelcastInstance(config).shutdown(); // reached only if member TLS were supported
    });
    assertEquals("SSL/TLS requires Hazelcast Enterprise Edition", e.getMessage());
  }
}
