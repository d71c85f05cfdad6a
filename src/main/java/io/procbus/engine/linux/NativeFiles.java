package io.procbus.engine.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * File checks on the UTF-8 bytes of a path: the bytes a spawn hands the kernel, whatever the JVM's locale.
 * {@code java.nio.file} encodes names in {@code sun.jnu.encoding}, which is ASCII under {@code LC_ALL=C}: there
 * {@code Path.of} of a non-ASCII name throws {@code InvalidPathException}, so the engine and the policy check
 * programs, working directories and redirection files here instead (issue 10).
 *
 * <p>A path with a NUL character names no file here (C would cut it at the NUL): it does not resolve, exist or
 * open ({@code EINVAL}).
 */
public final class NativeFiles {

  private NativeFiles() {
  }

  /** Whether {@code path} is a file this process may execute: {@code access(X_OK)} and not a directory. */
  public static boolean isExecutableFile(String path) {
    return accessErrno(path, LibC.X_OK) == 0 && directoryErrno(path) != 0;
  }

  /** Whether {@code path} exists and is not a directory (executable or not). */
  public static boolean isFile(String path) {
    return accessErrno(path, LibC.F_OK) == 0 && directoryErrno(path) != 0;
  }

  /** {@code path} with every symbolic link, {@code .} and {@code ..} resolved ({@code realpath(3)}), or null. */
  public static String realPath(String path) {
    if (path.indexOf('\0') >= 0) {
      return null;
    }
    Pointer p = LibC.C.realpath(path, null);
    if (p == null) {
      return null;
    }
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      LibC.C.free(p);
    }
  }

  /** 0 if the process may access {@code path} with {@code mode} ({@code access(2)}), else the errno. */
  static int accessErrno(String path, int mode) {
    if (path.indexOf('\0') >= 0) {
      return Errno.EINVAL;
    }
    try {
      LibC.C.access(path, mode);
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }

  /** 0 if {@code path} is a directory this process can look up ({@code chdir} would find it), else the errno. */
  static int directoryErrno(String path) {
    if (path.indexOf('\0') >= 0) {
      return Errno.EINVAL;
    }
    try {
      Spawner.closeQuietly(LibC.C.open(path, LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC));
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
    return accessErrno(path, LibC.X_OK);
  }

  /**
   * 0 if {@code path} could be opened for reading ({@code write} false) or for writing, created if missing,
   * else the errno ({@code access(2)}, so nothing is created).
   */
  static int openErrno(String path, boolean write) {
    if (!write) {
      return accessErrno(path, LibC.R_OK);
    }
    int e = accessErrno(path, LibC.W_OK);
    if (e == 0) {
      return directoryErrno(path) == 0 ? Errno.EISDIR : 0;
    }
    if (e != Errno.ENOENT) {
      return e;
    }
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
    int p = directoryErrno(parent);
    return p != 0 ? p : accessErrno(parent, LibC.W_OK);
  }

  /** The bytes {@code s} takes in UTF-8 (what the kernel counts), without encoding it. */
  public static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++; // an unpaired surrogate has no UTF-8: the encoder writes '?'
      } else {
        n += 3;
      }
    }
    return n;
  }
}
