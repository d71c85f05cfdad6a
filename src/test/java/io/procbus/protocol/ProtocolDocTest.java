package io.procbus.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessService;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The protocol document names everything the code puts on the bus: every address, header, control and event
 * field constant (by value and by constant name), every event type, every error code with its number, every
 * command. Adding a name to the code without documenting it fails here.
 */
class ProtocolDocTest {

  private static final Path DOC = Path.of("docs/protocol.md");
  private static String doc;

  @BeforeAll
  static void read() throws Exception {
    doc = Files.readString(DOC);
  }

  @Test
  void everyProtocolConstantIsDocumentedByValueAndByName() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Class<?> type : List.of(Addresses.class, Headers.class, Control.class, EventFields.class,
      Heartbeat.class, Replay.class)) {
      for (Field f : type.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
          String value = (String) f.get(null);
          if (!doc.contains("`" + value + "`")) {
            missing.add(type.getSimpleName() + "." + f.getName() + " = `" + value + "`");
          }
          if (!f.getName().startsWith("DEFAULT_") && !doc.contains(type.getSimpleName() + "." + f.getName())) {
            missing.add(type.getSimpleName() + "." + f.getName());
          }
        }
      }
    }
    assertEquals(List.of(), missing);
    assertTrue(doc.contains("`" + Addresses.DEFAULT_PREFIX + "`"));
  }

  @Test
  void everyEventTypeIsDocumentedWithAnExample() {
    List<String> missing = new ArrayList<>();
    for (EventType t : EventType.values()) {
      if (!doc.contains("| `" + t.wire() + "` | `" + t.name() + "` |")) {
        missing.add(t.wire() + " in the events table");
      }
      if (!doc.contains("{\"type\":\"" + t.wire() + "\",\"seq\":")) {
        missing.add(t.wire() + " example");
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void everyErrorCodeIsDocumentedWithItsNumber() {
    List<String> missing = new ArrayList<>();
    for (ErrorCode c : ErrorCode.values()) {
      if (!Pattern.compile("\\| `" + c.name() + "` \\| " + c.code() + " \\|").matcher(doc).find()) {
        missing.add(c.name() + " " + c.code());
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void everyCommandHasItsSection() {
    List<String> missing = new ArrayList<>();
    for (Method m : ProcessService.class.getDeclaredMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) && !doc.contains("### `" + m.getName() + "`")) {
        missing.add(m.getName());
      }
    }
    assertEquals(List.of(), missing);
  }
}
