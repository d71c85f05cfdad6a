package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.api.TerminalSize;
import io.procbus.testing.ProcStat;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pseudo-terminal children (issue 15, part 2): the child on a new terminal as its controlling terminal, the window
 * size at spawn and after a resize, typed input through the line discipline (echo, Ctrl-C, Ctrl-D), the exit
 * ending the session after the output, and bad input with stable codes.
 */
public class TerminalTest extends EngineTestBase {

  static ProcessOptions terminal(int cols, int rows) {
    return new ProcessOptions().setTerminal(new TerminalSize(cols, rows));
  }

  /** Reads the child's terminal output until {@code marker}; returns everything read up to and including it. */
  static String readUntil(ChildProcess p, String marker) throws Exception {
    return str(await(p.stdout().readUntil(buf(marker))));
  }

  /** {@code sh -i} on a terminal, its prompt {@code $ }. */
  ChildProcess interactiveShell() throws Exception {
    return exec(terminal(80, 24).addEnv("PS1", "$ "), "sh", "-i");
  }

  static void type(ChildProcess p, String text) throws Exception {
    await(p.stdin().write(buf(text)));
  }

  @Test
  @Timeout(30)
  void theChildRunsOnAPseudoTerminalAsItsControllingTerminalAndSessionLeader() throws Exception {
    ChildProcess p = exec(terminal(80, 24), "sh", "-c", "tty; cat /proc/$$/stat");

    assertNotNull(p.stdin());
    assertNotNull(p.stdout());
    assertNull(p.stderr(), "a terminal child's stderr is its terminal: no stderr stream");
    String out = str(await(p.communicate()).stdout());
    assertEquals(0, await(p.waitFor()));
    Matcher m = Pattern.compile("^(/dev/pts/\\d+)\r\n(\\d+) \\(sh\\) \\S (\\d+) (\\d+) (\\d+) (\\d+) ").matcher(out);
    assertTrue(m.find(), out);
    int pid = Integer.parseInt(m.group(2));
    assertEquals(p.pid(), pid);
    assertEquals(pid, Integer.parseInt(m.group(4)), "leads its process group: " + out);
    assertEquals(pid, Integer.parseInt(m.group(5)), "leads its session: " + out);
    assertNotEquals(0, Integer.parseInt(m.group(6)), "has a controlling terminal (tty_nr): " + out);
  }

  @Test
  @Timeout(30)
  void theWindowSizeIsTheSpawnSizeAndFollowsAResize() throws Exception {
    ChildProcess p = exec(terminal(100, 30), "sh", "-c", "stty size; read x; stty size");

    assertEquals("30 100\r\n", str(await(p.stdout().readLine())));
    await(p.resize(132, 43));
    type(p, "\n");
    assertEquals("\r\n43 132\r\n", readUntil(p, "43 132\r\n"), "the echo of the typed line, then the new size");
    assertEquals(0, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void aResizeSendsSigwinchToTheForegroundGroup() throws Exception {
    ChildProcess p = exec(terminal(80, 24), "sh", "-c",
      "trap 'stty size; exit 7' WINCH; echo READY; while :; do read x; done");

    readUntil(p, "READY\r\n");
    await(p.resize(90, 33));
    readUntil(p, "33 90\r\n"); // the trap ran on SIGWINCH and saw the new size
    assertEquals(7, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void anInteractiveShellAnswersTypedLines() throws Exception {
    ChildProcess p = interactiveShell();

    type(p, "echo ANSWER$((6*7))\n");
    // the typed line is echoed as typed; the answer is the shell's
    String out = readUntil(p, "ANSWER42\r\n");
    assertTrue(out.contains("echo ANSWER$((6*7))\r\n"), out);
    type(p, "exit 3\n");
    assertEquals(3, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void ctrlCTypedInterruptsTheForegroundJobAndTheShellGoesOn() throws Exception {
    ChildProcess p = interactiveShell();

    // the job prints READY2 once it runs in the foreground (dash hands it the terminal before it runs it)
    type(p, "sh -c 'echo READY$((1+1)); exec sleep 100'\n");
    readUntil(p, "READY2\r\n");
    type(p, "\u0003");
    type(p, "echo STATUS$?\n");
    readUntil(p, "STATUS130\r\n"); // SIGINT ended the job: 128 + 2
    type(p, "exit\n");
    assertEquals(0, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void ctrlDTypedIsEndOfInputAndOutputHasTheTerminalsLineEndings() throws Exception {
    ChildProcess p = exec(terminal(80, 24), "cat");

    type(p, "hello\n");
    assertEquals("hello\r\nhello\r\n", str(await(p.stdout().readExactly(14))), "echo, then cat's copy");
    type(p, "\u0004");
    assertEquals(0, await(p.waitFor()));
    await(p.closed());
  }

  @Test
  @Timeout(30)
  void theExitEndsTheSessionAfterTheOutputAndHangsUpABackgroundGrandchild() throws Exception {
    // the grandchild ignores SIGHUP and reads the terminal: only the hang-up (EOF) ends it
    ChildProcess p = exec(terminal(80, 24), "sh", "-c",
      "trap '' HUP; cat </dev/tty >/dev/null & echo GRANDCHILD $!; seq 1 2000; exit 5");

    String out = str(await(p.communicate()).stdout());
    assertEquals(5, await(p.waitFor()));
    await(p.closed());
    assertTrue(out.endsWith("1999\r\n2000\r\n"), "every byte before the exit: " + out.substring(out.length() - 20));
    Matcher m = Pattern.compile("GRANDCHILD (\\d+)").matcher(out);
    assertTrue(m.find(), out);
    long grandchild = Long.parseLong(m.group(1));
    awaitCondition("the grandchild read EOF from the hung-up terminal and ended", () -> {
      ProcStat s = procStat(grandchild);
      return s == null || s.zombie();
    }, Duration.ofSeconds(10));
  }

  @Test
  @Timeout(30)
  void closingStdinClosesOnlyTheWritingSideTheChildReadsNoEof() throws Exception {
    ChildProcess p = exec(terminal(80, 24), "cat");

    await(p.stdin().end());
    assertFalse(completesWithin(p.waitFor(), Duration.ofMillis(300)), "cat read no end of file");
    await(p.resize(100, 30)); // the terminal itself is still there
    await(p.kill());
    assertEquals(-9, await(p.waitFor()));
    await(p.closed());
  }

  @Test
  @Timeout(30)
  void aTerminalChildLeadsItsProcessGroupSoItCanBeSignalledAsAGroup() throws Exception {
    ChildProcess p = exec(terminal(80, 24), "sh", "-c", "sleep 100 & echo READY; wait");

    readUntil(p, "READY\r\n");
    await(p.sendGroupSignal(15));
    assertEquals(-15, await(p.waitFor()));
  }

  @Test
  @Timeout(30)
  void termIsTheCallersElseXterm256color() throws Exception {
    ChildProcess p = exec(terminal(80, 24), "sh", "-c", "echo $TERM");
    assertEquals("xterm-256color\r\n", str(await(p.communicate()).stdout()));
    ChildProcess q = exec(terminal(80, 24).addEnv("TERM", "vt100"), "sh", "-c", "echo $TERM");
    assertEquals("vt100\r\n", str(await(q.communicate()).stdout()));
  }

  @Test
  @Timeout(30)
  void badInputFailsWithStableCodesAndLeavesNothing() throws Exception {
    long fds = openFdCount();
    long fdsOnHost = host.fdCount();
    ProcessException conflict = failure(engine.exec(java.util.List.of("true"), terminal(80, 24)
      .setStdout(Stdio.pipe())));
    assertEquals(ErrorCode.INVALID_ARGUMENT, conflict.code());
    assertTrue(conflict.getMessage().contains("terminal and stdout conflict"), conflict.getMessage());
    for (int[] size : new int[][] {{0, 24}, {80, 0}, {65536, 24}, {80, -1}}) {
      ProcessException e = failure(engine.exec(java.util.List.of("true"), terminal(size[0], size[1])));
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
    }

    ChildProcess plain = exec(inOutPipes(), "cat");
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(plain.resize(80, 24)).code(), "no terminal");
    await(plain.communicate());

    for (int round = 0; round < 3; round++) { // a leak would be 3 fds per terminal child (the master and 2 copies)
      ChildProcess p = exec(terminal(80, 24), "cat");
      assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.resize(0, 24)).code());
      assertEquals(ErrorCode.INVALID_ARGUMENT, failure(p.resize(80, 65536)).code());
      await(p.resize(65535, 1));
      type(p, "\u0004");
      assertEquals(0, await(p.waitFor()));
      assertEquals(ErrorCode.PROCESS_LOOKUP, failure(p.resize(80, 24)).code(), "after exit");
      await(p.closed());
    }
    // the JVMs may open or close a descriptor or two meanwhile (in a cluster: its connections)
    awaitCondition("no fd left open here", () -> openFdCount() - fds <= 2, Duration.ofSeconds(10));
    awaitCondition("no fd left open on " + host, () -> host.fdCount() - fdsOnHost <= 2, Duration.ofSeconds(10));
  }
}
