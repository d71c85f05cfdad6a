package io.procbus.verticle;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.Signal;

/** Signals as commands name them: by name ({@code "TERM"}, {@code "SIGTERM"}) or number ({@code "15"}). */
final class SignalNames {

  private SignalNames() {
  }

  /** The number of a signal named or numbered (1–64); {@code INVALID_ARGUMENT} for anything else. */
  static int parse(String signal) {
    if (signal == null || signal.isEmpty()) {
      throw invalid("signal is required");
    }
    if (Character.isDigit(signal.charAt(0))) {
      try {
        int n = Integer.parseInt(signal);
        if (n >= 1 && n <= Signal.MAX_NUMBER) {
          return n;
        }
      } catch (NumberFormatException e) {
        // falls through
      }
      throw invalid("no signal " + signal + " (1-" + Signal.MAX_NUMBER + ")");
    }
    return byName(signal).number();
  }

  /** The signal named {@code name}, with or without {@code SIG}; {@code INVALID_ARGUMENT} for an unknown name. */
  static Signal byName(String name) {
    String n = name.startsWith("SIG") ? name.substring(3) : name;
    try {
      return Signal.valueOf(n);
    } catch (IllegalArgumentException e) {
      throw invalid("unknown signal '" + name + "'");
    }
  }

  private static ProcessException invalid(String message) {
    return new ProcessException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
