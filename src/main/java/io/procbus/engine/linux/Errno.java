package io.procbus.engine.linux;

/** Names of the Linux error numbers a spawn or a signal can report. */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EIO = 5;
  public static final int E2BIG = 7;
  public static final int EACCES = 13;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int ENAMETOOLONG = 36;
  public static final int ELOOP = 40;
  public static final int EINVAL = 22;

  private static final String[] NAMES = new String[134];

  static {
    String[][] known = {
      {"1", "EPERM"}, {"2", "ENOENT"}, {"3", "ESRCH"}, {"4", "EINTR"}, {"5", "EIO"}, {"7", "E2BIG"},
      {"8", "ENOEXEC"}, {"9", "EBADF"}, {"10", "ECHILD"}, {"11", "EAGAIN"}, {"12", "ENOMEM"}, {"13", "EACCES"},
      {"17", "EEXIST"}, {"20", "ENOTDIR"}, {"21", "EISDIR"}, {"22", "EINVAL"}, {"23", "ENFILE"}, {"24", "EMFILE"},
      {"26", "ETXTBSY"}, {"28", "ENOSPC"}, {"30", "EROFS"}, {"32", "EPIPE"}, {"36", "ENAMETOOLONG"},
      {"38", "ENOSYS"}, {"40", "ELOOP"}, {"104", "ECONNRESET"}};
    for (String[] k : known) {
      NAMES[Integer.parseInt(k[0])] = k[1];
    }
  }

  private Errno() {
  }

  /** {@code ENOENT} for 2; {@code errno 99} for a number without a name here. */
  public static String name(int errno) {
    String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
    return n != null ? n : "errno " + errno;
  }

  /** {@code ENOENT (No such file or directory)}. */
  public static String describe(int errno) {
    return name(errno) + " (" + LibC.C.strerror(errno) + ")";
  }
}
