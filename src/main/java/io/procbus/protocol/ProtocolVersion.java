package io.procbus.protocol;

/**
 * Versions of the procbus bus protocol. Version 1: every event of a process is published on its address
 * {@code <prefix>.process.<id>}, and each owner subscribes there per process. Version 2 ({@link #CURRENT}) adds
 * the owner's event address: a spawn request that names one ({@code eventAddress},
 * {@code <prefix>.client.<client>}) has its events sent there, and published on the process's address only once
 * someone asked for them with {@code replay}. A request without it is served as in version 1, so a version 1
 * client works unchanged with a version 2 service; a version 1 service refuses the field ({@code MALFORMED}), and
 * a version 2 client then spawns again without it.
 */
public final class ProtocolVersion {

  /** The version this code speaks. */
  public static final int CURRENT = 2;

  private ProtocolVersion() {
  }
}
