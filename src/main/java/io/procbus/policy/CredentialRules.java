package io.procbus.policy;

import io.procbus.api.ProcessOptions;
import java.util.List;

/**
 * The policy's checks of a child's credentials, deny by default: {@code user} must be one of the rule's
 * {@code users}, {@code group} and every {@code extraGroups} entry one of its {@code groups}, each as written (a
 * name or a decimal id, compared as text: a rule that lists {@code nobody} does not admit {@code 65534}), and a
 * {@code umask} needs the rule's {@code umask: true}. Even an empty {@code extraGroups} needs a rule that lists
 * groups: dropping a group can escape an access list that denies that group. A user admits its own primary group
 * and database groups, which the engine gives it when {@code group} or {@code extraGroups} is unset. An admitted
 * switch of identity {@code requires} the {@value Capabilities#CREDENTIALS} capability of the node that runs it.
 */
final class CredentialRules {

  private CredentialRules() {
  }

  /**
   * Checks {@code options} against {@code rule}; adds the capability an identity switch needs to {@code requires}.
   *
   * @throws io.procbus.api.ProcessException {@code DENIED}, check {@code user}, {@code group} or {@code umask}
   */
  static void check(PolicyFile.Rule rule, ProcessOptions options, List<String> requires) {
    List<String> users = rule.users() == null ? List.of() : rule.users();
    List<String> groups = rule.groups() == null ? List.of() : rule.groups();
    if (options.getUser() != null && !users.contains(options.getUser())) {
      throw CommandPolicy.denied("user", rule, "user '" + CommandPolicy.printable(options.getUser())
        + "' is not in the rule's users " + users);
    }
    if (options.getGroup() != null && !groups.contains(options.getGroup())) {
      throw CommandPolicy.denied("group", rule, "group '" + CommandPolicy.printable(options.getGroup())
        + "' is not in the rule's groups " + groups);
    }
    if (options.getExtraGroups() != null) {
      if (groups.isEmpty()) { // even an empty list: dropping groups can escape a group's deny ACL
        throw CommandPolicy.denied("group", rule, "the rule lists no groups, so extraGroups may not be set");
      }
      for (String g : options.getExtraGroups()) {
        if (g == null || !groups.contains(g)) {
          throw CommandPolicy.denied("group", rule, "extra group '" + (g == null ? null : CommandPolicy.printable(g))
            + "' is not in the rule's groups " + groups);
        }
      }
    }
    if (options.getUmask() != ProcessOptions.DEFAULT_UMASK && !Boolean.TRUE.equals(rule.umask())) {
      throw CommandPolicy.denied("umask", rule, "the rule does not allow setting the umask");
    }
    if (options.getUser() != null || options.getGroup() != null || options.getExtraGroups() != null) {
      requires.add(Capabilities.CREDENTIALS);
    }
  }
}
