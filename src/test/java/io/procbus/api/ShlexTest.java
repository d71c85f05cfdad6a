package io.procbus.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procbus.engine.RecordingProtocol;
import io.procbus.engine.EngineTestBase;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Shlex#quote} against Python's {@code shlex.quote} (CPython 3.11: {@code re.ASCII} safe set
 * {@code [\w@%+=:,./-]}), and through a real {@code /bin/sh}.
 */
class ShlexTest extends EngineTestBase {

  /** Input, then Python 3.11's {@code shlex.quote(input)}, computed with python3 and written down here. */
  private static final List<String[]> PYTHON_QUOTES = List.of(
    new String[] {"", "''"},
    new String[] {"hello", "hello"},
    new String[] {"hello world", "'hello world'"},
    new String[] {"it's", "'it'\"'\"'s'"},
    new String[] {"'", "''\"'\"''"},
    new String[] {"''", "''\"'\"''\"'\"''"},
    new String[] {"x'y'z", "'x'\"'\"'y'\"'\"'z'"},
    new String[] {"say \"hi\"", "'say \"hi\"'"},
    new String[] {"$(id)", "'$(id)'"},
    new String[] {"`id`", "'`id`'"},
    new String[] {"$HOME", "'$HOME'"},
    new String[] {"${IFS}", "'${IFS}'"},
    new String[] {"a;b", "'a;b'"},
    new String[] {"a|b", "'a|b'"},
    new String[] {"a && b", "'a && b'"},
    new String[] {"a>b<c", "'a>b<c'"},
    new String[] {"(x)", "'(x)'"},
    new String[] {"{a,b}", "'{a,b}'"},
    new String[] {"line1\nline2", "'line1\nline2'"},
    new String[] {"tab\there", "'tab\there'"},
    new String[] {"a\u0001b", "'a\u0001b'"},
    new String[] {"*.txt", "'*.txt'"},
    new String[] {"?", "'?'"},
    new String[] {"[a]", "'[a]'"},
    new String[] {"~", "'~'"},
    new String[] {"!", "'!'"},
    new String[] {"#comment", "'#comment'"},
    new String[] {"\\", "'\\'"},
    new String[] {"héllo", "'héllo'"},
    new String[] {"ü", "'ü'"},
    new String[] {"日本", "'日本'"},
    new String[] {"-rf", "-rf"},
    new String[] {"--flag=x", "--flag=x"},
    new String[] {"a=b", "a=b"},
    new String[] {"@%+=:,./-", "@%+=:,./-"},
    new String[] {"under_score9", "under_score9"});




  @Test
  @Timeout(10)
  void quoteEqualsPythonShlexQuoteOnHostileStrings() {
    for (String[] c : PYTHON_QUOTES) {
      assertEquals(c[1], Shlex.quote(c[0]), "shlex.quote(" + c[0] + ")");
    }
  }

  /** The quoted word reaches the child verbatim: {@code sh -c 'printf %s <quoted>'} prints the original. */
  @Test
  @Timeout(60)
  void quotedStringsReachTheChildThroughTheShellVerbatim() throws Exception {
    ProcessOptions options = new ProcessOptions().setStdin(Stdio.devNull());
    for (String[] c : PYTHON_QUOTES) {
      String s = c[0];
      RecordingProtocol p = new RecordingProtocol();
      SubprocessTransport t = engine.subprocessShell(p, "printf %s " + Shlex.quote(s), options).await(10, SECONDS);
      p.lost().await(10, SECONDS);
      p.assertComplete();
      assertEquals(0, t.returnCode(), s);
      assertEquals(Buffer.buffer(s.getBytes(StandardCharsets.UTF_8)), p.data(1), "stdout for " + s);
      assertEquals("", p.data(2).toString(), "stderr for " + s);
    }
  }
}
