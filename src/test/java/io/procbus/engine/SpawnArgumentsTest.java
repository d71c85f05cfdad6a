package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The argv and environment reach the child byte for byte however many and however long they are: the spawn
 * path encodes them into one reused block that grows as needed (and must keep what it encoded so far).
 */
class SpawnArgumentsTest extends EngineTestBase {

  @Test
  @Timeout(60)
  void manyLongArgumentsAndVariablesReachTheChildExactly() throws Exception {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "for a; do printf '%s\\n' \"$a\"; done;"
      + " printf '%s\\n' \"$BIG_VALUE\" \"$SMALL\"", "sh"));
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      // from a few bytes to 6 KiB, with two- and three-byte UTF-8: the block outgrows its first size many times
      String arg = i + ":" + "\u00e4\u65e5x".repeat(i * 4);
      argv.add(arg);
      expected.append(arg).append('\n');
    }
    String big = "v".repeat(100_000);
    expected.append(big).append('\n').append("s\n");
    for (int round = 0; round < 2; round++) { // the second spawn reuses the grown block
      ChildProcess p = await(engine.exec(argv, stdoutPipe().setEnv(Map.of("BIG_VALUE", big, "SMALL", "s"))));
      CommunicateResult r = await(p.communicate(null));
      assertEquals(0, r.returnCode());
      assertEquals(expected.toString(), r.stdout().toString(StandardCharsets.UTF_8));
    }
  }
}
