package io.procbus.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.testing.NodeProcess;
import io.procbus.testing.TcpBridgeClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser console in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver (both paths given, so Selenium Manager never downloads anything), against a node started from
 * the fat jar with a token file and a policy allowing {@code echo}, {@code sleep}, {@code cat} and {@code sh}, on
 * a terminal too.
 *
 * <p>The test fails, never skips, when the browser cannot start: {@code bin/install-test-tools} installs it.
 * The page as it ends is kept in {@code target/console-screenshot.png}, the output test's in
 * {@code target/console-screenshot-output.png}.
 */
class ConsoleIT {

  private static final String TOKEN = "console-it-token-0123456789abcdef";
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path SCREENSHOT = Path.of("target", "console-screenshot.png");

  private static NodeProcess node;
  private static String base;
  private static int tcpPort;

  @BeforeAll
  static void startNode() throws Exception {
    Path dir = Files.createTempDirectory("procbus-console-it");
    Path tokens = Files.writeString(dir.resolve("tokens.json"), new JsonObject().put("tokens", new JsonArray()
      .add(new JsonObject().put("token", TOKEN).put("principal", "alice").put("roles", new JsonArray().add("user"))))
      .encode());
    Path policy = Files.writeString(dir.resolve("policy.json"), new JsonObject()
      .put("searchPath", new JsonArray().add("/usr/bin").add("/bin"))
      .put("rules", new JsonArray().add(new JsonObject().put("name", "console-test").put("roles", new JsonArray()
        .add("user")).put("programs", new JsonArray().add(new JsonObject().put("path", "echo"))
        .add(new JsonObject().put("path", "sleep")).add(new JsonObject().put("path", "cat"))
        .add(new JsonObject().put("path", "sh"))).put("terminal", true)
        .put("cwdRoots", new JsonArray().add(dir.toString())).put("maxRuntimeMillis", 120_000))).encode());
    JsonObject config = new JsonObject()
      .put("bridges", new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("port", 0))
        .put("sockjs", new JsonObject().put("enabled", true).put("port", 0)))
      .put("auth", new JsonObject().put("tokenFile", tokens.toString()))
      .put("policy", new JsonObject().put("policyFile", policy.toString()));
    node = NodeProcess.startReady("console", List.of("-conf", config.encode()), Map.of(), Duration.ofSeconds(90));
    String sockjs = node.awaitLine(l -> l.startsWith("procbus: sockjs bridge on "), WAIT);
    base = sockjs.substring("procbus: sockjs bridge on ".length(), sockjs.length() - "/eventbus".length());
    assertTrue(base.startsWith("http://127.0.0.1:"), "loopback by default: " + sockjs);
    String tcp = node.awaitLine(l -> l.startsWith("procbus: tcp bridge on "), WAIT);
    tcpPort = Integer.parseInt(tcp.substring(tcp.lastIndexOf(':') + 1));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @Timeout(60)
  void filesAreServedWithTheirTypesAndAStrictPolicy() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String js = "text/javascript; charset=utf-8";
    Map<String, String> types = Map.ofEntries(Map.entry("/", "text/html; charset=utf-8"), Map.entry("/console.js", js), Map.entry("/terminal.js", js),
      Map.entry("/console.css", "text/css; charset=utf-8"), Map.entry("/vendor/sockjs.min.js", js),
      Map.entry("/vendor/vertx-eventbus.js", js), Map.entry("/vendor/xterm.js", js),
      Map.entry("/vendor/addon-fit.js", js), Map.entry("/vendor/xterm.css", "text/css; charset=utf-8"),
      Map.entry("/favicon.svg", "image/svg+xml"), Map.entry("/config.json", "application/json"));
    for (Map.Entry<String, String> e : types.entrySet()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + e.getKey())).build(),
        HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), e.getKey());
      assertEquals(e.getValue(), r.headers().firstValue("content-type").orElse(null), e.getKey());
      assertEquals(Console.CONTENT_SECURITY_POLICY, r.headers().firstValue("content-security-policy").orElse(null));
      assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null));
      String etag = r.headers().firstValue("etag").orElseThrow();
      HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(base + e.getKey()))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(304, again.statusCode(), e.getKey());
    }
    JsonObject config = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/config.json")).build(),
      HttpResponse.BodyHandlers.ofString()).body());
    assertEquals(new JsonObject().put("prefix", "procbus").put("eventbus", "/eventbus"), config);
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/console/../pom.xml")).build(),
      HttpResponse.BodyHandlers.discarding()).statusCode());
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/index.html.bak")).build(),
      HttpResponse.BodyHandlers.discarding()).statusCode());
  }

  @Test
  @Timeout(240)
  void signInRunEchoSeeItsOutputAndKillSleep() throws Exception {
    WebDriver browser = browser();
    try {
      WebDriverWait wait = new WebDriverWait(browser, WAIT);
      browser.get(base + "/");
      assertEquals("procbus console", browser.getTitle());

      // a wrong token is refused, and said so
      browser.findElement(By.id("token")).sendKeys("not-the-token-0123456789");
      browser.findElement(By.id("signin-button")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#errors .code"),
        "UNAUTHENTICATED (401)"));
      wait.until(ExpectedConditions.elementToBeClickable(By.id("signin-button")));
      browser.findElement(By.cssSelector("#errors .dismiss")).click();

      browser.findElement(By.id("token")).sendKeys(TOKEN);
      browser.findElement(By.id("signin-button")).click();
      wait.until(ExpectedConditions.textToBe(By.id("status"), "signed in"));
      // the page's connect-src 'self' lets the websocket transport through: no fallback to xhr
      assertEquals("websocket", browser.findElement(By.id("status")).getAttribute("data-transport"));

      // echo hello: its output and its exit
      start(browser, wait, "echo", "hello");
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "exited with code 0"));
      assertEquals("hello", outputText(browser, "stdout").strip());
      WebElement echoRow = selectedRow(browser);
      assertEquals("alice", echoRow.findElement(By.cssSelector(".owner")).getText());
      assertTrue(echoRow.findElement(By.cssSelector(".pid")).getText().matches("[0-9]+"));

      // output is text: markup stays markup, control characters and bytes that are not UTF-8 are shown safely
      String markup = "<img src=x onerror=\"document.title='pwned'\">";
      start(browser, wait, "echo", "-e", markup + "\\x1b[31m\\xff");
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "exited with code 0"));
      assertTrue(outputText(browser, "stdout").contains(markup + "\\x1b[31m\uFFFD"),
        outputText(browser, "stdout"));
      assertEquals("\\x1b", browser.findElement(By.cssSelector("#output .ctl")).getText());
      assertTrue(browser.findElements(By.tagName("img")).isEmpty(), "no element made from output");
      assertEquals("procbus console", browser.getTitle());
      screenshot(browser, Path.of("target", "console-screenshot-output.png"));

      // a denial shows its code and the policy's message
      start(browser, null, "rm", "-rf", "/tmp/nothing-here");
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#errors .code"), "DENIED (450)"));
      assertTrue(browser.findElement(By.cssSelector("#errors .message")).getText().contains("denied by program"));

      // stdin: a line in, then EOF
      start(browser, wait, "cat");
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "running"));
      browser.findElement(By.id("stdin-text")).sendKeys("typed <b>line</b>");
      browser.findElement(By.id("stdin-send")).click();
      wait.until(d -> outputText(d, "stdout").equals("typed <b>line</b>\n"));
      browser.findElement(By.id("stdin-close")).click();
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "exited with code 0"));

      // sleep 100, killed with the KILL button
      start(browser, wait, "sleep", "100");
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "running"));
      WebElement sleepRow = selectedRow(browser);
      wait.until(d -> sleepRow.findElement(By.cssSelector(".state")).getText().equals("RUNNING"));
      browser.findElement(By.cssSelector("#detail .signal[data-signal='KILL']")).click();
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "killed by KILL (-9)"));
      wait.until(d -> sleepRow.findElement(By.cssSelector(".exit")).getText().equals("killed by KILL (-9)"));
      assertTrue(outputText(browser, "note").contains("[killed by KILL (-9)]"));
      assertFalse(browser.findElement(By.cssSelector("#detail .signal[data-signal='TERM']")).isEnabled());
      assertEquals(4, browser.findElements(By.cssSelector("#processes tbody tr")).size(),
        "echo, echo, cat and sleep are listed");

      // a process started by another client of the same principal appears in the list and is watched as an
      // observer (no grants: its owner paces it)
      try (TcpBridgeClient cli = TcpBridgeClient.authenticated(tcpPort, TOKEN)) {
        JsonObject info = cli.command("procbus.service", "spawn", new JsonObject().put("request",
          new JsonObject().put("command", new JsonArray().add("cat")))).getJsonObject("body");
        cli.frame(new JsonObject().put("type", "send").put("address", info.getString("controlAddress"))
          .put("body", new JsonObject().put("id", info.getString("id")).put("stdout", 65536).put("stderr", 65536)));
        By row = By.cssSelector("#processes tr[data-id='" + info.getString("id") + "']");
        wait.until(ExpectedConditions.presenceOfElementLocated(row)).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("observer-note")));
        // the bridge gives no acknowledgement of a registration: write until a line arrives
        wait.until(d -> {
          try {
            cli.command(info.getString("serviceAddress"), "writeStdin", new JsonObject().put("id", info.getString("id"))
              .put("data", Base64.getUrlEncoder().withoutPadding().encodeToString("from the cli\n".getBytes(UTF_8))));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return outputText(d, "stdout").contains("from the cli\n");
        });
        assertEquals("running", browser.findElement(By.id("exit-status")).getText());

        // output written before the console opened the process is shown too: the node keeps it (replay)
        JsonObject echo = cli.command("procbus.service", "spawn", new JsonObject().put("request",
          new JsonObject().put("command", new JsonArray().add("echo").add("written before the console looked"))))
          .getJsonObject("body");
        cli.frame(new JsonObject().put("type", "send").put("address", echo.getString("controlAddress"))
          .put("body", new JsonObject().put("id", echo.getString("id")).put("stdout", 65536).put("stderr", 65536)));
        By keptRow = By.cssSelector("#processes tr[data-id='" + echo.getString("id") + "']");
        wait.until(ExpectedConditions.presenceOfElementLocated(keptRow)).click();
        wait.until(d -> outputText(d, "stdout").equals("written before the console looked\n"));
      }
    } finally {
      screenshot(browser, SCREENSHOT);
      browser.quit();
    }
  }

  /** The visible terminal view's host element. */
  private static final By TERMINAL = By.cssSelector("#terminal-area .terminal-host:not([hidden])");

  /**
   * A terminal: {@code sh} started "in a terminal" answers typed lines in the xterm.js view, at the view's size;
   * Ctrl-C typed into it interrupts the foreground {@code sleep}; the view's size follows the window to the
   * child's terminal; the exit is shown. The terminal's rows are read from the page as xterm.js renders them.
   */
  @Test
  @Timeout(240)
  void aTerminalShAnswersTypedLinesCtrlCStopsSleepAndTheSizeFollows() throws Exception {
    WebDriver browser = browser();
    try {
      WebDriverWait wait = new WebDriverWait(browser, WAIT);
      browser.get(base + "/");
      browser.findElement(By.id("token")).sendKeys(TOKEN);
      browser.findElement(By.id("signin-button")).click();
      wait.until(ExpectedConditions.textToBe(By.id("status"), "signed in"));
      browser.findElement(By.id("start-terminal")).click();
      start(browser, wait, "sh");
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "running"));
      assertFalse(browser.findElement(By.id("output")).isDisplayed(), "the terminal replaces the text output");
      WebElement host = wait.until(ExpectedConditions.visibilityOfElementLocated(TERMINAL));
      host.click(); // keys then go to the focused element: the view's own (hidden) text area
      String size = host.getAttribute("data-rows") + " " + host.getAttribute("data-cols");
      assertTrue(size.matches("[1-9][0-9]* [1-9][0-9]*"), size);

      type(browser, "stty size" + Keys.ENTER);
      wait.until(d -> terminalRows(d).contains(size));
      assertEquals("inline-block", ((JavascriptExecutor) browser).executeScript("return getComputedStyle(document"
        + ".querySelector('#terminal-area .terminal-host:not([hidden]) .xterm-rows span')).display"),
        "xterm.js's computed rules apply, through the constructed style sheet");
      type(browser, "echo hi" + Keys.ENTER);
      wait.until(d -> terminalRows(d).contains("hi"));
      // escape sequences are interpreted, as a terminal does: red text, not the sequence
      type(browser, "printf '\\033[31mred\\033[0m\\n'" + Keys.ENTER);
      wait.until(d -> terminalRows(d).contains("red"));
      assertEquals("red", ((JavascriptExecutor) browser).executeScript("const s = document.querySelector("
        + "'#terminal-area .terminal-host:not([hidden]) .xterm-rows span.xterm-fg-1'); return s && s.textContent;"));

      type(browser, "echo started; sleep 100" + Keys.ENTER);
      wait.until(d -> terminalRows(d).contains("started"));
      new Actions(browser).keyDown(Keys.CONTROL).sendKeys("c").keyUp(Keys.CONTROL).perform();
      type(browser, "echo status-$?" + Keys.ENTER);
      wait.until(d -> terminalRows(d).contains("status-130")); // 128 + SIGINT: the sleep was interrupted

      String cols = host.getAttribute("data-cols");
      browser.manage().window().setSize(new Dimension(900, 800));
      wait.until(d -> !cols.equals(host.getAttribute("data-cols")));
      String resized = host.getAttribute("data-rows") + " " + host.getAttribute("data-cols");
      type(browser, "stty size" + Keys.ENTER);
      wait.until(d -> terminalRows(d).contains(resized));

      type(browser, "exit 3" + Keys.ENTER);
      wait.until(ExpectedConditions.textToBe(By.id("exit-status"), "exited with code 3"));
      wait.until(d -> terminalRows(d).contains("[exited with code 3]"));
      assertEquals("procbus console", browser.getTitle());
    } finally {
      screenshot(browser, Path.of("target", "console-screenshot-terminal.png"));
      browser.quit();
    }
  }

  /** Types into the focused element. */
  private static void type(WebDriver browser, CharSequence keys) {
    new Actions(browser).sendKeys(keys).perform();
  }

  /** The rows the visible terminal view shows, as text, trailing blanks removed. */
  @SuppressWarnings("unchecked")
  private static List<String> terminalRows(WebDriver browser) {
    return (List<String>) ((JavascriptExecutor) browser).executeScript("const host = document.querySelector("
      + "'#terminal-area .terminal-host:not([hidden])'); return host ? Array.from(host.querySelectorAll("
      + "'.xterm-rows > div'), (r) => r.textContent.replace(/\u00a0/g, ' ').trimEnd()) : [];");
  }

  private static void screenshot(WebDriver browser, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Headless Chromium from Debian, with a fresh profile; fails when it cannot start. */
  private static WebDriver browser() throws Exception {
    for (String program : List.of(CHROMIUM, CHROMEDRIVER)) {
      assertTrue(Files.isExecutable(Path.of(program)), program + " is missing: apt-get install chromium chromium-driver"
        + " (bin/install-test-tools does)");
    }
    Path profile = Files.createTempDirectory("procbus-console-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
      "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
      "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
      .withLogFile(Path.of("target", "it-logs", "chromedriver.log").toFile()).build();
    return new ChromeDriver(service, options);
  }

  /** Fills the argv fields (one per argument) and starts; waits for the new process to be selected. */
  private static void start(WebDriver browser, WebDriverWait wait, String... argv) {
    List<WebElement> removes = browser.findElements(By.cssSelector("#argv .remove"));
    for (int i = removes.size() - 1; i > 0; i--) {
      removes.get(i).click();
    }
    while (browser.findElements(By.cssSelector("#argv input")).size() < argv.length) {
      browser.findElement(By.id("add-arg")).click();
    }
    List<WebElement> fields = browser.findElements(By.cssSelector("#argv input"));
    for (int i = 0; i < argv.length; i++) {
      fields.get(i).clear();
      fields.get(i).sendKeys(argv[i]);
    }
    String before = selectedId(browser);
    browser.findElement(By.id("start-button")).click();
    if (wait != null) {
      wait.until(d -> {
        String now = selectedId(d);
        return now != null && !now.equals(before);
      });
    }
  }

  private static String selectedId(WebDriver browser) {
    List<WebElement> rows = browser.findElements(By.cssSelector("#processes tr.selected"));
    return rows.isEmpty() ? null : rows.get(0).getAttribute("data-id");
  }

  private static WebElement selectedRow(WebDriver browser) {
    return browser.findElement(By.cssSelector("#processes tr.selected"));
  }

  /** The text of the selected process's output spans of one kind ({@code stdout}, {@code stderr}, {@code note}). */
  private static String outputText(WebDriver browser, String kind) {
    StringBuilder text = new StringBuilder();
    for (WebElement span : browser.findElements(By.cssSelector("#output > span." + kind))) {
      text.append(span.getAttribute("textContent"));
    }
    return text.toString();
  }
}
