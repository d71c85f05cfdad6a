package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.procbus.api.*;
import io.vertx.core.*;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.*;

class SmokeTest {
  static Vertx vertx;
  static ProcessEngine engine;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    engine = ProcessEngine.create(vertx);
  }

  @AfterAll
  static void down() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(20)
  void basics() throws Exception {
    ChildProcess p = engine.exec(List.of("sh", "-c", "echo hello; echo err >&2; exit 3"),
      new ProcessOptions().setStdout(Stdio.pipe()).setStderr(Stdio.pipe())).await(10, TimeUnit.SECONDS);
    CommunicateResult r = p.communicate().await(10, TimeUnit.SECONDS);
    assertEquals("hello\n", r.stdout().toString());
    assertEquals("err\n", r.stderr().toString());
    assertEquals(3, r.returnCode());
    ChildProcess k = engine.exec(List.of("sleep", "100"), new ProcessOptions()).await(10, TimeUnit.SECONDS);
    k.kill().await(5, TimeUnit.SECONDS);
    assertEquals(-9, k.waitFor().await(5, TimeUnit.SECONDS));
    ChildProcess c = engine.exec(List.of("cat"), new ProcessOptions().setStdin(Stdio.pipe()).setStdout(Stdio.pipe())).await(10, TimeUnit.SECONDS);
    Buffer big = Buffer.buffer(new byte[10_000_000]);
    CommunicateResult cr = c.communicate(big).await(20, TimeUnit.SECONDS);
    assertEquals(10_000_000, cr.stdout().length());
    try {
      engine.exec(List.of("/nonexistent/x"), new ProcessOptions()).await(5, TimeUnit.SECONDS);
      fail();
    } catch (ProcessException e) {
      assertEquals(ErrorCode.SPAWN_FAILED, e.code());
      assertEquals(2, e.errno());
    }
  }
}
