package io.procbus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.procbus.config.EndpointOptions;
import io.procbus.config.ProcbusOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Docker files, checked statically: what they reference exists, and they agree with each other and with
 * {@code conf/docker.json}. {@code DockerIT} builds and runs the image with podman; {@code ComposeClusterIT} runs
 * the compose services' commands as plain JVMs.
 */
class DockerFilesTest {

  private static ProcbusOptions dockerConf() throws Exception {
    return ProcbusOptions.fromConfig(new JsonObject(Files.readString(Path.of("conf", "docker.json"))));
  }

  @Test
  @Timeout(30)
  void theImageIsBuiltByMavenAndRunsOnASlimJava17RuntimeAsANonRootUser() throws Exception {
    List<String> from = new ArrayList<>();
    DockerCommand.instructions().stream().filter(i -> i.keyword().equals("FROM")).forEach(i -> from.add(i.arguments()));
    assertEquals(List.of("${BUILD_IMAGE} AS build", "${RUNTIME_IMAGE}"), from, "two stages, base images from build args");
    Map<String, String> args = DockerCommand.buildArgs();
    String build = args.get("BUILD_IMAGE");
    assertTrue(build.startsWith("maven:") && build.contains("17"), "build: Maven on a JDK 17 by default, got " + build);
    assertTrue(args.get("RUNTIME_IMAGE").matches("eclipse-temurin:17-jre\\S*"),
      "runtime: a Java 17 JRE by default, got " + args.get("RUNTIME_IMAGE"));
    assertEquals("", args.get("MAVEN_FLAGS"), "Maven runs online by default");
    String user = DockerCommand.last("USER");
    assertNotNull(user);
    assertFalse(user.equals("root") || user.startsWith("0"), "runs as " + user);
    assertTrue(DockerCommand.last("RUN").contains("useradd") && DockerCommand.last("RUN").contains(user),
      "the user is created in the runtime stage");
  }

  @Test
  @Timeout(30)
  void tiniIsPidOneAndTheJvmGetsTheImagesConfiguration() throws Exception {
    List<String> entrypoint = DockerCommand.execForm("ENTRYPOINT");
    assertEquals(List.of("/usr/bin/tini", "--", "java"), entrypoint.subList(0, 3), "exec form, tini first");
    assertEquals("/app/procbus.jar", entrypoint.get(entrypoint.indexOf("-jar") + 1));
    assertTrue(DockerCommand.last("RUN").contains("tini"), "tini is installed");
    assertTrue(DockerCommand.instructions().stream().anyMatch(i -> i.keyword().equals("ENV")
      && i.arguments().equals("LANG=C.UTF-8")), "a UTF-8 locale");
    for (String flag : DockerCommand.jvmArgs()) {
      Matcher file = Pattern.compile("=((?:conf|docker)/\\S+)$").matcher(flag);
      if (file.find()) {
        assertTrue(Files.isRegularFile(Path.of(file.group(1))), flag + " names a file of this checkout");
      }
    }
    assertTrue(DockerCommand.jvmArgs().contains("-Dvertx.hazelcast.config=conf/cluster-docker.xml"), DockerCommand.jvmArgs()
      .toString());
    List<String> cmd = DockerCommand.execForm("CMD");
    assertEquals(List.of("-conf", "/app/conf/docker.json"), cmd);
    String copies = DockerCommand.instructions().stream().filter(i -> i.keyword().equals("COPY"))
      .map(DockerCommand.Instruction::arguments).toList().toString();
    assertTrue(copies.contains("conf/ /app/conf/")
      && copies.contains("/app/procbus.jar"), copies);
  }

  @Test
  @Timeout(30)
  void theHealthcheckAsksReadinessOnTheConfiguredPortAndThePortsAreExposed() throws Exception {
    ProcbusOptions conf = dockerConf();
    String healthcheck = DockerCommand.last("HEALTHCHECK");
    assertTrue(healthcheck.contains("http://127.0.0.1:" + conf.getHttp().getPort() + "/health/ready"), healthcheck);
    String expose = " " + DockerCommand.last("EXPOSE") + " ";
    for (EndpointOptions endpoint : List.of(conf.getHttp(), conf.getBridges().getTcp(), conf.getBridges().getSockjs())) {
      assertTrue(endpoint.isEnabled(), "docker.json enables " + endpoint.toJson());
      assertTrue(expose.contains(" " + endpoint.getPort() + " "), "EXPOSE" + expose + "has " + endpoint.getPort());
    }
    assertTrue(expose.contains(" 5701 "), "Hazelcast's port is exposed");
    assertTrue(conf.getCluster().isEnabled());
  }

  @Test
  @Timeout(30)
  @SuppressWarnings("unchecked")
  void composeRunsThreeNodesJoiningByServiceNameWithOnlyTheFirstPublished() throws Exception {
    Map<String, Map<String, Object>> services = DockerCommand.services();
    assertEquals(List.of("procbus-1", "procbus-2", "procbus-3"), List.copyOf(services.keySet()));
    List<String> cmd = new ArrayList<>(DockerCommand.execForm("CMD"));
    cmd.add("-cluster");
    int published = 0;
    for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
      Map<String, Object> service = e.getValue();
      Map<String, String> env = DockerCommand.environment(service);
      assertEquals(String.join(",", services.keySet()), env.get("PROCBUS_CLUSTER_MEMBERS"), e.getKey());
      assertEquals(e.getKey(), env.get("PROCBUS_NODE"));
      assertEquals(cmd.stream().map(DockerCommand::local).toList(), DockerCommand.command(service), e.getKey());
      assertTrue(((List<String>) service.get("volumes")).contains("../conf:/app/conf:ro"), "conf/ is mounted");
      assertFalse(service.containsKey("network_mode"), "no host networking");
      List<String> ports = (List<String>) service.get("ports");
      if (ports != null) {
        published++;
        ports.forEach(p -> assertTrue(p.startsWith("127.0.0.1:"), "published on the host's loopback only: " + p));
      }
      Map<String, Object> build = (Map<String, Object>) service.get("build");
      assertEquals("docker/Dockerfile", build.get("dockerfile"));
      assertEquals("..", build.get("context"));
    }
    assertEquals(1, published, "one node's bridge is published");
  }

  @Test
  @Timeout(30)
  void theClusterXmlJoinsTheListedMembersOverTcpIpWithoutMulticast() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("hz.members", "procbus-1,procbus-2,procbus-3");
    properties.setProperty("hz.port", "5701");
    Config config;
    try (InputStream in = Files.newInputStream(Path.of("conf", "cluster-docker.xml"))) {
      config = new XmlConfigBuilder(in).setProperties(properties).build();
    }
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled(), "no multicast");
    assertFalse(join.getAutoDetectionConfig().isEnabled(), "no auto-detection");
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("procbus-1", "procbus-2", "procbus-3"), join.getTcpIpConfig().getMembers());
    assertEquals(5701, config.getNetworkConfig().getPort());
    assertNotNull(config.getMultiMapConfigs().get("__vertx.subs"), "Vert.x's subscription map");
    assertEquals("0", config.getProperty("hazelcast.wait.seconds.before.join"), "no 5 s wait per join");
    assertEquals("10", config.getProperty("hazelcast.merge.first.run.delay.seconds"), "split starts merge soon");
  }

  @Test
  @Timeout(30)
  void theDockerIgnoreSendsOnlyWhatTheBuildCopies() throws Exception {
    List<String> lines = Files.readAllLines(Path.of(".dockerignore")).stream()
      .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertEquals("*", lines.get(0), "everything is excluded first");
    assertTrue(lines.containsAll(List.of("!pom.xml", "!src/main/", "!conf/")), lines.toString());
    assertFalse(lines.contains("!target/"), "no local build output in the context");
  }
}
