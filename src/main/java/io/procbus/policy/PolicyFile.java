package io.procbus.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The policy file as written ({@code conf/policy.json}), read strictly: an unknown key or a wrong type fails
 * the deployment naming the key. Absent lists are empty, which denies.
 *
 * @param searchPath the only directories a program name is looked up in (the caller's {@code PATH} is never used)
 * @param neverPassEnv variables never passed to a child, whatever a rule allows
 * @param seeAllRoles roles whose principals see and control every process through a bridge
 * @param maxCommandBytes bytes of argv, shell command line and environment together (default 256 KiB)
 * @param rules the rules, first match wins: a principal with no rule may run nothing
 */
record PolicyFile(List<String> searchPath, List<String> neverPassEnv, List<String> seeAllRoles,
                  Integer maxCommandBytes, @JsonProperty(required = true) List<Rule> rules) {

  /** Default of {@code maxCommandBytes}: 256 KiB of argv and environment. */
  static final int DEFAULT_MAX_COMMAND_BYTES = 256 * 1024;

  /**
   * What the principals a rule matches may run.
   *
   * @param name the rule's name, given in every denial
   * @param principals principal names it applies to
   * @param roles roles it applies to
   * @param programs the programs that may run
   * @param shell whether {@code shell} command lines may run (off by default)
   * @param envAllow variables a caller may set
   * @param cwdRoots directories a working directory must be inside (after {@code ..} and symbolic links)
   * @param detached whether detached processes may be started
   * @param terminal whether a child may run on a pseudo-terminal (off by default)
   * @param maxLiveChildren live children per principal (default 16)
   * @param maxRuntimeMillis run-time limit, then {@code killSignal}; 0 for none
   * @param killSignal the signal sent at the run-time or output limit
   * @param maxOutputBytes stdout and stderr bytes together, then {@code killSignal}; 0 for none
   * @param rlimits resource limits applied before the program starts
   * @param runAs the user and group to run as (only when the service runs as root)
   */
  record Rule(@JsonProperty(required = true) String name, List<String> principals, List<String> roles,
              List<Program> programs, Boolean shell, List<String> envAllow, List<String> cwdRoots,
              Boolean detached, Boolean terminal, Integer maxLiveChildren, Long maxRuntimeMillis, String killSignal,
              Long maxOutputBytes, Rlimits rlimits, RunAs runAs) {

    boolean allowsShell() {
      return Boolean.TRUE.equals(shell);
    }

    boolean allowsDetached() {
      return Boolean.TRUE.equals(detached);
    }

    boolean allowsTerminal() {
      return Boolean.TRUE.equals(terminal);
    }

    long runtimeLimit() {
      return maxRuntimeMillis == null ? 0 : maxRuntimeMillis;
    }

    long outputLimit() {
      return maxOutputBytes == null ? 0 : Math.max(0, maxOutputBytes);
    }
  }

  /**
   * A program that may run.
   *
   * @param path an absolute path, or a name looked up on the search path
   * @param args when set, every argument must match one of these regular expressions (whole match)
   */
  record Program(@JsonProperty(required = true) String path, List<String> args) {
  }

  /**
   * Resource limits of the child (soft = hard), set by {@code prlimit(1)} before the program is executed.
   *
   * @param nofile open files
   * @param as address space, bytes
   * @param cpu CPU seconds
   * @param nproc processes of the user
   * @param fsize file size, bytes
   * @param core core file size, bytes
   */
  record Rlimits(Long nofile, Long as, Long cpu, Long nproc, Long fsize, Long core) {
  }

  /**
   * The identity a child runs with, set by {@code setpriv(1)}; only possible when the service runs as root.
   *
   * @param uid user id
   * @param gid group id
   */
  record RunAs(@JsonProperty(required = true) Integer uid, @JsonProperty(required = true) Integer gid) {
  }
}
