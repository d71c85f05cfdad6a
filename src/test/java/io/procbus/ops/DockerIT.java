package io.procbus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The image for real: runs {@code docker/test} (podman builds docker/Dockerfile on local Debian base images and
 * checks a running container: HEALTHCHECK, uid 10001, audit volume, loopback-only port, {@code podman stop} → 143,
 * kill -9 of the JVM) and pins its report, {@code target/docker-test.json}. The single-image part by default;
 * {@code -Ddocker.test=all} adds the compose cluster ({@code compose} runs that part alone).
 *
 * <p>Without podman the test fails, naming what to install: the README's test command installs podman
 * ({@code bin/install-test-tools}), so a missing podman is a machine the test command was not run on, never a
 * check to skip.
 */
class DockerIT {

  private static final Path SCRIPT = Path.of("docker", "test");
  private static final Path REPORT = Path.of("target", "docker-test.json");
  private static final Path LOG = Path.of("target", "docker-test.log");

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void theImageBuildsRunsHealthyAndStopsWithoutLeavingAChild() throws Exception {
    assertTrue(onPath("podman"), "podman is not installed, so the image cannot be built or run: run "
      + "bin/install-test-tools (the README's test command does), which installs podman runc mmdebstrap podman-compose");
    String mode = System.getProperty("docker.test", "single");
    // its output to a file, printed after: a child writing to this forked JVM's stdout corrupts failsafe's channel
    Process script = new ProcessBuilder(SCRIPT.toString(), mode).redirectErrorStream(true)
      .redirectOutput(LOG.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    boolean ended = script.waitFor(38, TimeUnit.MINUTES);
    if (!ended) {
      script.destroy(); // its trap removes what it started
      script.waitFor(2, TimeUnit.MINUTES);
    }
    System.out.println(Files.readString(LOG));
    assertTrue(ended, "docker/test ended in time");
    assertTrue(Files.isRegularFile(REPORT), "docker/test wrote " + REPORT);
    JsonObject report = new JsonObject(Files.readString(REPORT));
    assertEquals(0, script.exitValue(), "docker/test " + mode + " failed: " + report.encodePrettily());
    assertEquals(Boolean.TRUE, report.getBoolean("passed"), report.encodePrettily());
    JsonArray steps = report.getJsonArray("steps");
    for (int i = 0; i < steps.size(); i++) {
      assertEquals("ok", steps.getJsonObject(i).getString("result"), steps.getJsonObject(i).encode());
    }
    JsonObject figures = report.getJsonObject("figures");
    if (!mode.equals("compose")) {
      assertTrue(figures.getLong("imageBytes") > 0 && figures.getLong("runToHealthyMillis") > 0, figures.encode());
      assertTrue(steps.encode().contains("kill -9 of the JVM"), "every single-image step ran: " + steps.encode());
    }
    if (!mode.equals("single")) {
      assertTrue(figures.getLong("nodeLostMillis") > 0, figures.encode());
    }
  }
}
