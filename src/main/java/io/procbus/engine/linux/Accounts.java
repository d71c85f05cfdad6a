package io.procbus.engine.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import java.util.List;

/**
 * Resolves a child's {@code user}, {@code group} and {@code extraGroups} into ids through the C library's name
 * service switch ({@code getpwnam_r}, {@code getpwuid_r}, {@code getgrnam_r}, {@code getgrouplist}), so LDAP or
 * sssd accounts resolve as they do for {@code id(1)}. A name of decimal digits is an id, as {@code chown} reads
 * it. A lookup may wait on a remote directory: callers run it off the event loop.
 *
 * <p>Unlike Python's subprocess, {@code user} alone also sets the user's primary group and its groups from the
 * group database (as {@code su}, {@code runuser} and {@code setpriv --init-groups} do): the child of a root
 * service never keeps group 0 by accident.
 */
public final class Accounts {

  /** {@code struct passwd} on 64-bit Linux: name, passwd, uid, gid, gecos, dir, shell. */
  private static final int PASSWD_SIZE = 48;
  private static final int PW_UID = 16;
  private static final int PW_GID = 20;
  /** {@code struct group}: name, passwd, gid, members. */
  private static final int GROUP_SIZE = 32;
  private static final int GR_GID = 16;
  private static final int ERANGE = 34;
  private static final long MAX_ID = 0xfffffffeL;

  private Accounts() {
  }

  /**
   * The identity for {@code user}, {@code group} and {@code extraGroups}, each {@code null} to keep the service's;
   * {@code null} when all three are.
   *
   * @throws ProcessException {@link ErrorCode#INVALID_ARGUMENT} naming an unknown user or group (Python's
   *     {@code KeyError}), or a numeric user with no database entry and no {@code group};
   *     {@link ErrorCode#SPAWN_FAILED} when the lookup itself fails
   */
  public static SpawnPlan.Identity resolve(String user, String group, List<String> extraGroups) {
    if (user == null && group == null && extraGroups == null) {
      return null;
    }
    int uid = -1;
    int gid = -1;
    int[] groups = null;
    Passwd pw = null;
    if (user != null) {
      check(user, "user");
      if (isId(user)) {
        uid = id(user, "user");
        pw = passwd(null, uid, user);
      } else {
        pw = passwd(user, 0, user);
        if (pw == null) {
          throw invalid("unknown user '" + user + "'");
        }
        uid = pw.uid();
      }
    }
    if (group != null) {
      gid = group(group, "group");
    } else if (user != null) {
      if (pw == null) {
        throw invalid("user " + user + " has no entry in the user database: give its group too");
      }
      gid = pw.gid();
    }
    if (extraGroups != null) {
      groups = new int[extraGroups.size()];
      for (int i = 0; i < groups.length; i++) {
        groups[i] = group(extraGroups.get(i), "extraGroups entry");
      }
    } else if (user != null) {
      groups = pw == null ? new int[0] : groupList(pw.name(), pw.gid());
    }
    return new SpawnPlan.Identity(uid, gid, groups);
  }

  private record Passwd(String name, int uid, int gid) {
  }

  /** The entry of {@code name} (or of {@code uid} when {@code name} is null), or null when there is none. */
  private static Passwd passwd(String name, int uid, String asked) {
    try (Memory pwd = new Memory(PASSWD_SIZE); Memory result = new Memory(8)) {
      for (int size = 1024; ; size *= 4) {
        try (Memory buf = new Memory(size)) {
          int rc = name != null ? LibC.C.getpwnam_r(name, pwd, buf, size, result)
            : LibC.C.getpwuid_r(uid, pwd, buf, size, result);
          if (rc == ERANGE && size < (1 << 24)) {
            continue;
          }
          lookupFailed(rc, "user", asked);
          if (result.getPointer(0) == null) {
            return null;
          }
          return new Passwd(pwd.getPointer(0).getString(0, "UTF-8"), pwd.getInt(PW_UID), pwd.getInt(PW_GID));
        }
      }
    }
  }

  /** The id of group {@code g}: itself when numeric, else looked up. */
  private static int group(String g, String what) {
    check(g, what);
    if (isId(g)) {
      return id(g, what);
    }
    try (Memory grp = new Memory(GROUP_SIZE); Memory result = new Memory(8)) {
      for (int size = 1024; ; size *= 4) {
        try (Memory buf = new Memory(size)) {
          int rc = LibC.C.getgrnam_r(g, grp, buf, size, result);
          if (rc == ERANGE && size < (1 << 24)) {
            continue;
          }
          lookupFailed(rc, "group", g);
          if (result.getPointer(0) == null) {
            throw invalid("unknown group '" + g + "'");
          }
          return grp.getInt(GR_GID);
        }
      }
    }
  }

  /** The groups of {@code user} in the group database, {@code gid} included. */
  private static int[] groupList(String user, int gid) {
    try (Memory count = new Memory(4)) {
      for (int n = 32; ; n *= 4) {
        try (Memory list = new Memory(n * 4L)) {
          count.setInt(0, n);
          if (LibC.C.getgrouplist(user, gid, list, count) >= 0) {
            return list.getIntArray(0, count.getInt(0));
          }
          n = Math.max(n, count.getInt(0));
        }
      }
    }
  }

  private static void lookupFailed(int rc, String what, String name) {
    // ENOENT, ESRCH, EBADF and EPERM mean "no such entry" for some NSS modules (getpwnam_r(3))
    if (rc != 0 && rc != Errno.ENOENT && rc != Errno.ESRCH && rc != 9 && rc != Errno.EPERM) {
      throw new ProcessException(ErrorCode.SPAWN_FAILED, "looking up " + what + " '" + name + "': "
        + Errno.describe(rc), rc);
    }
  }

  private static boolean isId(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int id(String s, String what) {
    if (s.length() > 10 || Long.parseLong(s) > MAX_ID) {
      throw invalid(what + " id " + s + " is out of range (0 to " + MAX_ID + ")");
    }
    return (int) Long.parseLong(s);
  }

  private static void check(String s, String what) {
    if (s == null || s.isEmpty() || s.indexOf('\0') >= 0) {
      throw invalid(what + " must be a non-empty name or id without NUL"
        + (s == null ? ", got null" : ", got '" + s.replace("\0", "\\0") + "'"));
    }
  }

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
