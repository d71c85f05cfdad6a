package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.ExitStatus;
import io.procbus.api.ResourceUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every exit carries what the child used, as the kernel counted it at the reap: CPU time as the child itself saw
 * it (tolerance: the 10 ms tick of {@code times()} and what perl spends after its last look, 50 ms), peak memory
 * to the pages it touched (tolerance: the program's own footprint, 16 MiB). The peak has a floor, the service's own
 * peak (docs/engine.md § Resource usage), so the memory test touches more than that.
 */
public class ResourceUsageTest extends EngineTestBase {

  /** A child that burns 0.3 s of user CPU (and some system CPU asking) and prints its user and system seconds. */
  private static final String BURN = "1 while (times)[0] < 0.3; print join(' ', (times)[0, 1]), \"\\n\"";

  @Test
  @Timeout(60)
  void cpuTimeIsWhatTheChildBurned() throws Exception {
    ChildProcess p = exec(stdoutPipe(), "perl", "-e", BURN);
    String[] seen = str(await(p.stdout().readLine())).trim().split(" ");
    assertEquals(0, await(p.waitFor()));

    ResourceUsage usage = p.exitStatus().usage();
    assertNotNull(usage, "the exit carries the usage");
    double user = Double.parseDouble(seen[0]);
    double system = Double.parseDouble(seen[1]);
    assertTrue(user >= 0.3, "the child burned its 0.3 s: " + user);
    assertNear(user, usage.userCpuMicros() / 1e6, "user CPU, " + usage);
    assertNear(system, usage.systemCpuMicros() / 1e6, "system CPU, " + usage);
  }

  private static void assertNear(double seen, double reported, String what) {
    assertTrue(reported >= seen - 0.011 && reported <= seen + 0.05, what + ": the child saw " + seen + " s");
  }

  /** More than the peak of the JVM that spawns (this one, or a node's): 768 MiB, or this JVM's peak and 256. */
  protected long touchMiB() throws Exception {
    String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
      .findFirst().orElseThrow();
    long ownMiB = Long.parseLong(hwm.replaceAll("\\D", "")) / 1024;
    return Math.max(768, ownMiB + 256);
  }

  @Test
  @Timeout(180)
  void peakMemoryIsWhatTheChildTouched() throws Exception {
    long mib = touchMiB();
    // dd fills one buffer that size from /dev/zero (fullblock: a read stops at 2 GiB): every page touched once
    ChildProcess p = exec(opts(), "dd", "if=/dev/zero", "of=/dev/null", "bs=" + mib + "M", "count=1",
      "iflag=fullblock", "status=none");
    assertEquals(0, await(p.waitFor(), 120));

    long kib = p.exitStatus().usage().maxRssKiB();
    assertTrue(kib >= mib * 1024 && kib <= (mib + 16) * 1024, mib + " MiB touched, max RSS " + kib + " KiB");
  }

  @Test
  @Timeout(60)
  void aChildKilledBySignalHasItsUsageToo() throws Exception {
    ChildProcess p = exec(opts(), "sleep", "3600");
    p.kill();
    assertEquals(-9, await(p.waitFor()));

    ExitStatus status = p.exitStatus();
    assertEquals(ExitStatus.killed(9, false), status, "equality is the outcome, whatever the usage");
    assertTrue(status.usage().maxRssKiB() > 0, "sleep had pages: " + status.usage());
    assertEquals(status.usage(), new ExitStatus(status.toJson()).usage(), "the JSON form carries it");
  }
}
