package io.procbus.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node can do for an admitted request, beyond running a program, and so what it advertises in its
 * heartbeat: {@value #RLIMITS} when {@code prlimit(1)} is installed, {@value #RUN_AS} when the service runs as
 * root and {@code setpriv(1)} is installed, {@value #CREDENTIALS} when the service runs as root. Placement sends a
 * sealed request only to a node with every capability its admission {@code requires}; a node asked for one it
 * lacks refuses with {@code INCAPABLE_NODE}.
 */
public final class Capabilities {

  /** Resource limits: the node can start a program through {@code prlimit(1)}. */
  public static final String RLIMITS = "rlimits";
  /** Another identity: the node runs as root and can start a program through {@code setpriv(1)}. */
  public static final String RUN_AS = "runAs";

  /** A child's own {@code user}, {@code group} and {@code extraGroups}: the node runs as root. */
  public static final String CREDENTIALS = "credentials";

  static final List<String> PRLIMIT = List.of("/usr/bin/prlimit", "/bin/prlimit");
  static final List<String> SETPRIV = List.of("/usr/bin/setpriv", "/bin/setpriv");

  private static volatile List<String> detected;

  private Capabilities() {
  }

  /** This JVM's capabilities, detected once. */
  public static List<String> ofThisNode() {
    List<String> d = detected;
    if (d == null) {
      List<String> found = new ArrayList<>();
      if (firstExisting(PRLIMIT) != null) {
        found.add(RLIMITS);
      }
      if (isRoot() && firstExisting(SETPRIV) != null) {
        found.add(RUN_AS);
      }
      if (isRoot()) {
        found.add(CREDENTIALS);
      }
      detected = d = List.copyOf(found);
    }
    return d;
  }

  /** The first executable of {@code candidates}, or {@code null}. */
  static String firstExisting(List<String> candidates) {
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  /** Whether this JVM runs as root. */
  static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }
}
