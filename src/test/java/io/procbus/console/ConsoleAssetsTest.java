package io.procbus.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's files as committed: the bundled bridge client is byte for byte the pinned npm packages' browser
 * build (so it cannot drift from what the edge tests run), the page has no inline script, style or handler (its
 * policy would block them), data never reaches an HTML sink, and the error names cover every {@link ErrorCode}.
 */
class ConsoleAssetsTest {

  private static final Path CONSOLE = Path.of("src/main/resources", Console.RESOURCES);
  private static final Path NODE_MODULES = Path.of("src/test/js/node_modules");
  private static final Path LOCK = Path.of("src/test/js/package-lock.json");
  /** Bundled file → (npm package, its version, the file in the package). */
  private static final Map<String, String[]> VENDORED = Map.of(
    "vendor/sockjs.min.js", new String[] {"sockjs-client", "1.6.1", "dist/sockjs.min.js"},
    "vendor/vertx-eventbus.js", new String[] {"@vertx/eventbus-bridge-client.js", "1.0.0", "vertx-eventbus.js"},
    "vendor/xterm.js", new String[] {"@xterm/xterm", "6.0.0", "lib/xterm.js"},
    "vendor/xterm.css", new String[] {"@xterm/xterm", "6.0.0", "css/xterm.css"},
    "vendor/xterm.LICENSE", new String[] {"@xterm/xterm", "6.0.0", "LICENSE"},
    "vendor/addon-fit.js", new String[] {"@xterm/addon-fit", "0.11.0", "lib/addon-fit.js"},
    "vendor/addon-fit.LICENSE", new String[] {"@xterm/addon-fit", "0.11.0", "LICENSE"});

  @Test
  void theBundledClientIsThePinnedNpmPackagesBrowserBuild() throws Exception {
    JsonObject lock = new JsonObject(Files.readString(LOCK)).getJsonObject("packages");
    for (Map.Entry<String, String[]> e : VENDORED.entrySet()) {
      String pkg = e.getValue()[0];
      String version = e.getValue()[1];
      assertEquals(version, lock.getJsonObject("node_modules/" + pkg).getString("version"),
        "package-lock.json pins " + pkg);
      Path installed = NODE_MODULES.resolve(pkg);
      assertEquals(version, new JsonObject(Files.readString(installed.resolve("package.json"))).getString("version"),
        "installed " + pkg + " (npm ci in src/test/js)");
      assertArrayEquals(Files.readAllBytes(installed.resolve(e.getValue()[2])),
        Files.readAllBytes(CONSOLE.resolve(e.getKey())), e.getKey() + " differs from " + pkg + "@" + version
          + "'s " + e.getValue()[2] + ": copy it again");
    }
  }

  @Test
  void thePageHasNoInlineScriptStyleOrHandler() throws Exception {
    String html = Files.readString(CONSOLE.resolve("index.html"));
    Matcher script = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int scripts = 0;
    while (script.find()) {
      scripts++;
      assertTrue(script.group(1).contains("src=\""), "a script with a src: " + script.group());
      assertEquals("", script.group(2).strip(), "no inline script: " + script.group());
    }
    assertEquals(6, scripts);
    assertFalse(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no on* handler");
    assertFalse(Pattern.compile("<style|\\sstyle\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no inline style");
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("//cdn"), "nothing external");
  }

  @Test
  void theConsoleScriptsUseNoHtmlSinkAndNoEval() throws Exception {
    for (String file : List.of("console.js", "terminal.js")) {
      String js = Files.readString(CONSOLE.resolve(file));
      for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
        "new Function", "setTimeout('", "setInterval('")) {
        assertFalse(js.contains(sink), file + " uses " + sink);
      }
    }
  }

  @Test
  void everyErrorCodeHasItsNameInTheConsole() throws Exception {
    String js = Files.readString(CONSOLE.resolve("console.js"));
    List<String> missing = new ArrayList<>();
    for (ErrorCode c : ErrorCode.values()) {
      if (!js.contains(c.code() + ": '" + c.name() + "'")) {
        missing.add(c.code() + ": '" + c.name() + "'");
      }
    }
    assertEquals(List.of(), missing, "console.js ERROR_NAMES lacks");
  }
}
