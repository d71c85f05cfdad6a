package io.procbus.engine.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One thread's native memory for spawning and reaping, reused from call to call: the file actions, the
 * {@code posix_spawnattr_t} of each flag combination (initialised once: the signal mask and defaults never
 * change), a {@code siginfo_t}, and one block holding a spawn's strings and its argv and envp vectors,
 * encoded in UTF-8 into a Java array and copied to native memory in one write. A spawn thus makes no native
 * allocation and no Java object per string. Spawning is not reentrant on a thread, so one arena per thread
 * is enough; event-loop threads live as long as the engine.
 */
final class SpawnArena {

  private static final ThreadLocal<SpawnArena> CURRENT = ThreadLocal.withInitial(SpawnArena::new);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** glibc's internal real-time signals, which its sigfillset and sigaddset refuse. */
  private static final int GLIBC_SIGCANCEL = 32;
  private static final int GLIBC_SIGSETXID = 33;

  final Memory fileActions = new Memory(LibC.FILE_ACTIONS_SIZE);
  /** Two ints: a pid, or a pipe's two fds. */
  final Memory ints = new Memory(8);
  final Memory siginfo = new Memory(LibC.SIGINFO_SIZE);
  /** The {@code struct rusage} the reap fills beside {@link #siginfo}. */
  final Memory rusage = new Memory(LibC.RUSAGE_SIZE);
  private final Memory[] attrs = new Memory[3];
  private byte[] staging = new byte[8192];
  private int used;
  private int vectorSlots;
  private Memory block = new Memory(staging.length);

  private SpawnArena() {
  }

  /** This thread's arena. */
  static SpawnArena current() {
    return CURRENT.get();
  }

  /**
   * The attributes for a child with an empty signal mask and every signal at its default disposition, in a
   * new session ({@code session}), else in a new process group ({@code group}), else in the parent's.
   */
  long attr(boolean session, boolean group) {
    int i = session ? 2 : group ? 1 : 0;
    if (attrs[i] == null) {
      attrs[i] = newAttr(session ? LibC.POSIX_SPAWN_SETSID : group ? LibC.POSIX_SPAWN_SETPGROUP : 0);
    }
    return Pointer.nativeValue(attrs[i]);
  }

  private static Memory newAttr(short extraFlags) {
    Memory attr = new Memory(LibC.SPAWNATTR_SIZE);
    try (Memory mask = new Memory(LibC.SIGSET_SIZE); Memory defaults = new Memory(LibC.SIGSET_SIZE)) {
      Spawner.check(LibC.C.posix_spawnattr_init(attr), "posix_spawnattr_init");
      LibC.C.sigemptyset(mask);
      LibC.C.sigfillset(defaults);
      // glibc's sigfillset leaves out its two internal signals (32, 33); its posix_spawn then sets them to
      // SIG_IGN in the child, which survives exec. Asking for their default disposition too keeps the child's
      // SigIgn empty. Signal n is bit n-1 of the first word on x86_64.
      defaults.setLong(0, defaults.getLong(0) | (1L << (GLIBC_SIGCANCEL - 1)) | (1L << (GLIBC_SIGSETXID - 1)));
      Spawner.check(LibC.C.posix_spawnattr_setsigmask(attr, mask), "setsigmask");
      Spawner.check(LibC.C.posix_spawnattr_setsigdefault(attr, defaults), "setsigdefault");
      if (extraFlags == LibC.POSIX_SPAWN_SETPGROUP) {
        Spawner.check(LibC.C.posix_spawnattr_setpgroup(attr, 0), "setpgroup");
      }
      Spawner.check(LibC.C.posix_spawnattr_setflags(attr,
        (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF | extraFlags)), "setflags");
    }
    return attr;
  }

  /** Starts a block whose first {@code slots} words are pointer slots (argv and envp, NULL-terminated). */
  void begin(int slots) {
    vectorSlots = slots;
    used = slots * 8;
    ensure(used);
  }

  /** Points the slots from {@code first} at {@code strings}, then a NULL slot; the slot after that. */
  int vector(int first, List<String> strings) {
    int slot = first;
    for (String s : strings) {
      long offset = string(s); // first: it may replace the staging array
      LONGS.set(staging, slot++ * 8, offset);
    }
    LONGS.set(staging, slot++ * 8, -1L);
    return slot;
  }

  /** Appends {@code s} in UTF-8 and a NUL (an unpaired surrogate becomes {@code ?}, as Java encodes it). */
  int string(String s) {
    int start = used;
    ensure(used + s.length() * 3 + 1);
    byte[] b = staging;
    int at = used;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[at++] = (byte) c;
      } else if (c < 0x800) {
        b[at++] = (byte) (0xc0 | c >> 6);
        b[at++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[at++] = (byte) (0xf0 | cp >> 18);
        b[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
        b[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
        b[at++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        b[at++] = '?';
      } else {
        b[at++] = (byte) (0xe0 | c >> 12);
        b[at++] = (byte) (0x80 | c >> 6 & 0x3f);
        b[at++] = (byte) (0x80 | c & 0x3f);
      }
    }
    b[at++] = 0;
    used = at;
    return start;
  }

  /** Copies the block to native memory, its vectors' offsets turned into addresses; its address. */
  long commit() {
    if (block.size() < used) {
      block.close();
      block = new Memory(staging.length);
    }
    long base = Pointer.nativeValue(block);
    for (int slot = 0; slot < vectorSlots; slot++) {
      long offset = (long) LONGS.get(staging, slot * 8);
      LONGS.set(staging, slot * 8, offset < 0 ? 0L : base + offset);
    }
    block.write(0, staging, 0, used);
    return base;
  }

  private void ensure(int size) {
    if (staging.length < size) {
      staging = Arrays.copyOf(staging, Math.max(size, staging.length * 2));
    }
  }
}
