package io.procbus.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.testing.LogCapture;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The one failure codec: every code survives every wire form, and only bugs are logged. */
class FailureCodecTest {

  @Test
  void everyCodeSurvivesTheServiceProxyWireWithItsMessageErrnoAndDetails() {
    for (ErrorCode code : ErrorCode.values()) {
      ProcessException sent = new ProcessException(code, "because " + code, 7,
        new JsonObject().put("rule", "r").put("policyRule", null), null);

      ServiceException wire = FailureCodec.toServiceException(sent);
      ProcessException received = FailureCodec.toProcessException(wire);

      assertEquals(code.code(), wire.failureCode());
      assertEquals("because " + code, wire.getMessage());
      assertEquals(new JsonObject().put("code", code.name()).put("errno", 7).put("rule", "r")
        .put("policyRule", null), wire.getDebugInfo());
      assertEquals(code, received.code());
      assertEquals("because " + code, received.getMessage());
      assertEquals(7, received.errno());
      assertEquals("r", received.details().getString("rule"));
    }
  }

  @Test
  void busFailuresWithoutACodeAreTimeoutClosedOrInternal() {
    assertEquals(ErrorCode.TIMEOUT, FailureCodec.toProcessException(new ReplyException(ReplyFailure.TIMEOUT, "t"))
      .code());
    assertEquals(ErrorCode.CLOSED, FailureCodec.toProcessException(new ReplyException(ReplyFailure.NO_HANDLERS,
      "n")).code());
    ProcessException unknown = FailureCodec.toProcessException(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
      12345, "odd"));
    assertEquals(ErrorCode.INTERNAL, unknown.code());
    assertEquals("unexpected failure 12345 from the procbus service: odd", unknown.getMessage());
    // a bus failure forwarded by a service keeps its code and message
    ServiceException forwarded = FailureCodec.toServiceException(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
      ErrorCode.NOT_OWNER.code(), "not yours"));
    assertEquals(ErrorCode.NOT_OWNER.code(), forwarded.failureCode());
    assertEquals("not yours", forwarded.getMessage());
  }

  @Test
  void theBridgeErrorFramesKeepTheirExactForm() {
    assertEquals(new JsonObject().put("type", "err").put("address", "r1").put("failureCode", 432)
        .put("failureType", "RECIPIENT_FAILURE").put("message", "MALFORMED: bad"),
      FailureCodec.errorFrame("r1", ErrorCode.MALFORMED, "bad"));
    assertEquals(new JsonObject().put("type", "err").put("failureCode", 401)
        .put("failureType", "RECIPIENT_FAILURE").put("message", "UNAUTHENTICATED: who"),
      FailureCodec.errorFrame(null, ErrorCode.UNAUTHENTICATED, "who"));
    JsonObject denied = new JsonObject().put("type", "err").put("address", "r2").put("sourceAddress", "p.service")
      .put("failureCode", 450).put("failureType", "RECIPIENT_FAILURE").put("message", "denied by x: no");
    assertEquals(denied, FailureCodec.errorFrame("r2", "p.service", new ProcessException(ErrorCode.DENIED,
      "denied by x: no")));
    assertEquals(denied, FailureCodec.errorFrame("r2", "p.service", new ServiceException(450, "denied by x: no")));
    assertEquals(denied.copy().put("failureCode", -1).put("failureType", "TIMEOUT").put("message", "late"),
      FailureCodec.errorFrame("r2", "p.service", new ReplyException(ReplyFailure.TIMEOUT, "late")));
  }

  @Test
  void aBugIsInternalLoggedOnceWithItsStackAndExpectedFailuresAreNotLogged() {
    try (LogCapture log = LogCapture.of(FailureCodec.class.getName(), Level.WARNING)) {
      FailureCodec.toServiceException(new ProcessException(ErrorCode.NOT_OWNER, "expected"));
      FailureCodec.errorFrame("r", "a", new ProcessException(ErrorCode.DENIED, "expected"));
      assertEquals(List.of(), log.records());
      NullPointerException bug = new NullPointerException("a bug");

      ServiceException wire = FailureCodec.toServiceException(bug);

      assertEquals(ErrorCode.INTERNAL.code(), wire.failureCode());
      assertEquals("internal error: " + bug, wire.getMessage());
      assertEquals(1, log.records().size());
      assertSame(bug, log.records().get(0).getThrown());
      // once: the wire form passes through every further hop unchanged and unlogged
      assertSame(wire, FailureCodec.toServiceException(wire));
      assertEquals(ErrorCode.INTERNAL, FailureCodec.toProcessException(wire).code());
      assertEquals(1, log.records().size());
      // a bug the engine caught and kept as the cause of an INTERNAL failure: logged, with its stack, when encoded
      IllegalStateException engineBug = new IllegalStateException("engine bug");
      ServiceException fromEngine = FailureCodec.toServiceException(new ProcessException(ErrorCode.INTERNAL,
        "internal error: " + engineBug, null, null, engineBug));
      assertEquals(ErrorCode.INTERNAL.code(), fromEngine.failureCode());
      assertEquals(2, log.records().size());
      assertSame(engineBug, log.records().get(1).getThrown());
      assertNull(new ProcessException(ErrorCode.TIMEOUT, "x").getCause());
    }
  }
}
