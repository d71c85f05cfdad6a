package io.procbus.testing;

import io.procbus.api.ChildProcess;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.procbus.verticle.ProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service JVM that is not root (its test starts it through {@code setpriv}), asked over its bus for children
 * with credentials. Prints one line per request: {@code root: <code> <errno>} for a child as root,
 * {@code self: <id -u>} for a child as the service's own user, {@code umask: <umask>} for a child with a umask,
 * then {@code children: <n>}, the processes left whose parent is this JVM, and exits.
 */
public final class CredentialsProbeMain {

  private CredentialsProbeMain() {
  }

  /** Runs the probe; {@code args[0]} is the service's own user name. */
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.deployVerticle(new ProcessVerticle(), new DeploymentOptions().setConfig(new JsonObject()
      .put("engine", new JsonObject().put("watchdog", false)))).await(60, TimeUnit.SECONDS);
    ProcessClient client = ProcessClient.create(vertx);
    try {
      client.exec(List.of("id", "-u"), new ProcessOptions().setUser("root")).await(60, TimeUnit.SECONDS);
      System.out.println("root: started");
    } catch (ProcessException e) {
      System.out.println("root: " + e.code() + " " + e.errno());
    }
    System.out.println("self: " + out(client, new ProcessOptions().setUser(args[0]), "id", "-u"));
    System.out.println("umask: " + out(client, new ProcessOptions().setUmask(077), "sh", "-c", "umask"));
    System.out.println("children: " + ChildHost.thisJvm().children().size());
    System.out.flush();
    vertx.close().await(60, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** The child's stdout, trimmed, or the failure's code and errno. */
  private static String out(ProcessClient client, ProcessOptions options, String... argv) throws Exception {
    try {
      ChildProcess p = client.exec(List.of(argv), options.setStdout(Stdio.pipe())).await(60, TimeUnit.SECONDS);
      return p.communicate(null).await(60, TimeUnit.SECONDS).stdout().toString(StandardCharsets.UTF_8).trim();
    } catch (ProcessException e) {
      return e.code() + " " + e.errno();
    }
  }
}
