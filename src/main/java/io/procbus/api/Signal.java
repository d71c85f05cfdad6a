package io.procbus.api;

/**
 * The Linux signals, sent on the wire by name ({@code "TERM"}, {@code "KILL"}, {@code "HUP"}).
 *
 * <p>Real-time signals ({@code SIGRTMIN}..{@code SIGRTMAX}, 34–64) have no constant; send them by number.
 */
public enum Signal {
  HUP(1), INT(2), QUIT(3), ILL(4), TRAP(5), ABRT(6), BUS(7), FPE(8), KILL(9), USR1(10), SEGV(11), USR2(12),
  PIPE(13), ALRM(14), TERM(15), STKFLT(16), CHLD(17), CONT(18), STOP(19), TSTP(20), TTIN(21), TTOU(22),
  URG(23), XCPU(24), XFSZ(25), VTALRM(26), PROF(27), WINCH(28), IO(29), PWR(30), SYS(31);

  /** The highest signal number Linux accepts ({@code SIGRTMAX}). */
  public static final int MAX_NUMBER = 64;

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  /** The signal number. */
  public int number() {
    return number;
  }

  /** The signal with this number, or {@code null} for a real-time or unknown number. */
  public static Signal of(int number) {
    Signal[] all = values();
    return number >= 1 && number <= all.length ? all[number - 1] : null;
  }

  /** The name of a signal number: {@code "KILL"} for 9, {@code "RT36"} for 36. */
  public static String nameOf(int number) {
    Signal s = of(number);
    return s != null ? s.name() : "RT" + number;
  }
}
