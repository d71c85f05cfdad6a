package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.testing.CredentialsProbeMain;
import io.procbus.testing.NodeProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A service that is not root cannot switch a child's user, and says so as Python's subprocess does
 * ({@code PermissionError}, errno {@code EPERM}): {@code SPAWN_FAILED} with errno 1, nothing started. A child as
 * the service's own user (with the user's own groups, which the service has as a login would give them), or
 * with a umask, needs no privilege and runs. The service JVM (the fat jar's runtime) runs as {@code nobody}
 * through {@code setpriv}.
 */
class UnprivilegedCredentialsIT {

  @Test
  @Timeout(180)
  void aServiceThatIsNotRootFailsASwitchWithEpermAndStartsNothing() throws Exception {
    try (NodeProcess probe = NodeProcess.startMain("credentials-nobody",
      List.of("setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--"),
      List.of("-Djava.io.tmpdir=/tmp", "-Xmx256m"), CredentialsProbeMain.class.getName(), List.of("nobody"))) {
      Duration max = Duration.ofSeconds(120);
      assertEquals("root: SPAWN_FAILED 1", probe.awaitLine(l -> l.startsWith("root: "), max));
      assertEquals("self: 65534", probe.awaitLine(l -> l.startsWith("self: "), max));
      assertEquals("umask: 0077", probe.awaitLine(l -> l.startsWith("umask: "), max));
      assertEquals("children: 0", probe.awaitLine(l -> l.startsWith("children: "), max));
    }
  }
}
