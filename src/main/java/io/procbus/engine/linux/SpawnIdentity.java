package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the calling thread a child's identity and umask for the length of one {@code posix_spawn}, then takes
 * them back. glibc's {@code posix_spawn} clones the calling thread ({@code CLONE_VM|CLONE_VFORK}, no
 * {@code CLONE_FS}), and Linux keeps credentials and the umask per thread, so the child starts with what the
 * thread has at that moment; {@code execve} then sets its saved ids to its effective ones (docs/engine.md).
 *
 * <p>The ids change by raw system calls: glibc's {@code setresuid} family would change every thread of the JVM
 * (its {@code SIGSETXID} broadcast). The saved user id stays 0 while the thread runs as the child's user, which
 * is what lets it switch back. The umask needs the thread's own filesystem context: the first umask on a thread
 * unshares it ({@code unshare(CLONE_FS)}), once. Only a spawn that asks for one of these makes any of the calls.
 */
final class SpawnIdentity {

  private static final Logger LOG = Logger.getLogger(SpawnIdentity.class.getName());
  private static final boolean ARM = "aarch64".equals(System.getProperty("os.arch"));
  private static final long SYS_GETGROUPS = ARM ? 158 : 115;
  private static final long SYS_SETGROUPS = ARM ? 159 : 116;
  private static final long SYS_SETRESUID = ARM ? 147 : 117;
  private static final long SYS_GETRESUID = ARM ? 148 : 118;
  private static final long SYS_SETRESGID = ARM ? 149 : 119;
  private static final long SYS_GETRESGID = ARM ? 150 : 120;
  private static final int CLONE_FS = 0x200;
  private static final int PR_GET_DUMPABLE = 3;
  private static final int PR_SET_DUMPABLE = 4;
  /**
   * The JVM's dumpable flag before any switch (read once, before the first): a change of a thread's effective id
   * resets it for the whole process, so every switch back sets it again.
   */
  private static final int DUMPABLE = Posix.prctl(PR_GET_DUMPABLE, 0);
  private static final ThreadLocal<SpawnIdentity> CURRENT = ThreadLocal.withInitial(SpawnIdentity::new);

  private final Memory ids = new Memory(12);
  private Memory saved = new Memory(64 * 4);
  private Memory wanted = new Memory(64 * 4);
  private boolean ownFs;
  private int ruid;
  private int euid;
  private int suid;
  private int rgid;
  private int egid;
  private int savedCount;
  private boolean uidSet;
  private boolean gidSet;
  private boolean groupsSet;
  private int savedUmask = -1;

  private SpawnIdentity() {
  }

  /**
   * Switches this thread to {@code plan}'s identity and umask, and returns what {@link #leave} undoes.
   *
   * @throws ProcessException {@link ErrorCode#SPAWN_FAILED} with the errno of the call that failed ({@code EPERM}
   *     when the service is not root), this thread unchanged
   */
  static SpawnIdentity enter(SpawnPlan plan) {
    SpawnIdentity s = CURRENT.get();
    if (plan.identity() != null) {
      s.switchIds(plan.identity());
    }
    if (plan.umask() >= 0) {
      try {
        if (!s.ownFs) {
          Posix.unshare(CLONE_FS);
          s.ownFs = true;
        }
      } catch (LastErrorException e) {
        s.leave();
        throw failed(e.getErrorCode(), "unshare(CLONE_FS) for the umask");
      }
      s.savedUmask = Posix.umask(plan.umask());
    }
    return s;
  }

  /** Gives this thread back its own umask and identity; never throws (a failure, which root never sees, is logged). */
  void leave() {
    if (savedUmask >= 0) {
      Posix.umask(savedUmask);
      savedUmask = -1;
    }
    try {
      restoreIds();
    } catch (LastErrorException e) {
      LOG.log(Level.SEVERE, "could not give thread " + Thread.currentThread().getName() + " back its identity: "
        + Errno.describe(e.getErrorCode()));
    }
  }

  private void switchIds(SpawnPlan.Identity id) {
    long at = Pointer.nativeValue(ids);
    Posix.syscall(SYS_GETRESUID, at, at + 4, at + 8);
    ruid = ids.getInt(0);
    euid = ids.getInt(4);
    suid = ids.getInt(8);
    Posix.syscall(SYS_GETRESGID, at, at + 4, at + 8);
    rgid = ids.getInt(0);
    egid = ids.getInt(4);
    if (euid != 0) {
      if (isCurrent(id)) {
        return;
      }
      throw failed(Errno.EPERM, "the service runs as uid " + euid + ", not root, and cannot switch to "
        + describe(id));
    }
    String call = "setgroups";
    try {
      if (id.groups() != null) {
        savedCount = groups(0, null);
        saved = fit(saved, savedCount);
        groups(savedCount, saved);
        wanted = fit(wanted, id.groups().length);
        wanted.write(0, id.groups(), 0, id.groups().length);
        Posix.syscall(SYS_SETGROUPS, id.groups().length, Pointer.nativeValue(wanted), 0);
        groupsSet = true;
      }
      call = "setresgid";
      if (id.gid() != -1) {
        Posix.syscall(SYS_SETRESGID, id.gid(), id.gid(), -1);
        gidSet = true;
      }
      call = "setresuid";
      if (id.uid() != -1) {
        Posix.syscall(SYS_SETRESUID, id.uid(), id.uid(), 0); // the saved 0 lets this thread switch back
        uidSet = true;
      }
    } catch (LastErrorException e) {
      leave();
      throw failed(e.getErrorCode(), call + " to " + describe(id));
    }
  }

  private void restoreIds() {
    try {
      if (uidSet) {
        Posix.syscall(SYS_SETRESUID, ruid, euid, suid); // first: it gives back the capabilities the rest needs
      }
      if (gidSet) {
        Posix.syscall(SYS_SETRESGID, rgid, egid, -1);
      }
      if (groupsSet) {
        Posix.syscall(SYS_SETGROUPS, savedCount, Pointer.nativeValue(saved), 0);
      }
      if (uidSet || gidSet) {
        Posix.prctl(PR_SET_DUMPABLE, DUMPABLE);
      }
    } finally {
      uidSet = gidSet = groupsSet = false;
    }
  }

  /** Whether {@code id} is what an unprivileged service already is: nothing to switch. */
  private boolean isCurrent(SpawnPlan.Identity id) {
    if (id.uid() != -1 && (id.uid() != ruid || id.uid() != euid)
      || id.gid() != -1 && (id.gid() != rgid || id.gid() != egid)) {
      return false;
    }
    if (id.groups() == null) {
      return true;
    }
    int n = groups(0, null);
    saved = fit(saved, n);
    groups(n, saved);
    int[] current = saved.getIntArray(0, n);
    int[] asked = id.groups().clone();
    Arrays.sort(current);
    Arrays.sort(asked);
    return Arrays.equals(current, asked);
  }

  private static int groups(int size, Memory into) {
    return (int) Posix.syscall(SYS_GETGROUPS, size, into == null ? 0 : Pointer.nativeValue(into), 0);
  }

  private static Memory fit(Memory m, int count) {
    if (m.size() >= count * 4L) {
      return m;
    }
    m.close();
    return new Memory(Math.max(count, 1) * 4L);
  }

  private static String describe(SpawnPlan.Identity id) {
    return "uid " + (id.uid() == -1 ? "(unchanged)" : Integer.toUnsignedString(id.uid()))
      + " gid " + (id.gid() == -1 ? "(unchanged)" : Integer.toUnsignedString(id.gid()))
      + (id.groups() == null ? "" : " groups " + Arrays.toString(id.groups()));
  }

  private static ProcessException failed(int errno, String what) {
    return new ProcessException(ErrorCode.SPAWN_FAILED, what + ": " + Errno.describe(errno), errno);
  }
}
