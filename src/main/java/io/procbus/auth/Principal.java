package io.procbus.auth;

import java.util.List;

/**
 * Who a caller is: a name (the {@code owner} of what it spawns) and its roles.
 *
 * @param name the principal's name, the owner of its processes
 * @param roles its roles, as listed in the token file (bus callers: {@link #BUS_ROLE})
 */
public record Principal(String name, List<String> roles) {

  /** The role of a caller on the event bus whose owner is not in the token file. */
  public static final String BUS_ROLE = "bus";

  /** A principal; {@code roles} is copied. */
  public Principal {
    roles = List.copyOf(roles);
  }

  /** Whether it has any of {@code wanted}. */
  public boolean hasAnyRole(List<String> wanted) {
    for (String r : wanted) {
      if (roles.contains(r)) {
        return true;
      }
    }
    return false;
  }
}
