package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The glibc calls of the spawn and reap paths, bound with JNA's direct mapping ({@code Native.register}): a
 * static native method per function, no proxy, no reflective argument conversion. Pointers cross as
 * {@code long} addresses into memory the caller owns ({@link SpawnArena}), so a call allocates nothing
 * (x86_64). The rarer calls stay in {@link LibC}.
 */
final class Posix {

  static {
    Native.register(Posix.class, NativeLibrary.getInstance("c"));
  }

  private Posix() {
  }

  static native int posix_spawn(long pid, long path, long fileActions, long attr, long argv, long envp);

  static native int posix_spawn_file_actions_init(long fa);

  static native int posix_spawn_file_actions_destroy(long fa);

  static native int posix_spawn_file_actions_adddup2(long fa, int fd, int newFd);

  static native int posix_spawn_file_actions_addopen(long fa, int fd, long path, int flags, int mode);

  static native int posix_spawn_file_actions_addchdir_np(long fa, long path);

  static native int posix_spawn_file_actions_addclosefrom_np(long fa, int from);

  static native int posix_spawn_file_actions_addclose(long fa, int fd);

  static native int pipe2(long fds, int flags) throws LastErrorException;

  static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  static native long syscall(long number, int a, int b) throws LastErrorException;

  /** The raw id calls of {@link SpawnIdentity}: three word arguments (ids, or a count and an address). */
  static native long syscall(long number, long a, long b, long c) throws LastErrorException;

  static native int umask(int mask);

  static native int unshare(int flags) throws LastErrorException;

  static native int prctl(int option, long arg) throws LastErrorException;

  static native int waitid(int idType, int id, long info, int options) throws LastErrorException;

  /** The raw {@code waitid} ({@link LibC#SYS_WAITID}): glibc's wrapper does not pass the {@code rusage}. */
  static native long syscall(long number, int idType, int id, long info, int options, long rusage)
    throws LastErrorException;
}
