package io.procbus.console;

import io.procbus.protocol.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The browser console: a static page, served beside the SockJS bridge on the same HTTP server, that speaks the
 * bridge protocol with the official {@code @vertx/eventbus-bridge-client.js} (bundled, never fetched from
 * elsewhere) and so has exactly the rights of the token it signs in with.
 *
 * <p>Its files are read from the class path ({@code console/}) once, when mounted, and served from memory with
 * fixed content types and a strict Content-Security-Policy (scripts, styles and connections from this origin
 * only; no inline script, no frames, no form targets). Besides the files, {@code config.json} tells the page
 * the node's address prefix and bridge path.
 */
public final class Console {

  /** The class path folder holding the console's files. */
  public static final String RESOURCES = "console/";
  /**
   * The Content-Security-Policy of every console response: nothing but this origin's scripts, styles, images
   * and connections (the SockJS websocket and xhr transports); no inline script or style, no plugins, no
   * framing, no form submission, no {@code <base>}.
   */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
    + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** Served path → (class path file, content type). */
  private static final Map<String, String[]> FILES = Map.of(
    "/", new String[] {"index.html", "text/html; charset=utf-8"},
    "/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
    "/terminal.js", new String[] {"terminal.js", "text/javascript; charset=utf-8"},
    "/console.css", new String[] {"console.css", "text/css; charset=utf-8"},
    "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"},
    "/vendor/sockjs.min.js", new String[] {"vendor/sockjs.min.js", "text/javascript; charset=utf-8"},
    "/vendor/vertx-eventbus.js", new String[] {"vendor/vertx-eventbus.js", "text/javascript; charset=utf-8"},
    "/vendor/xterm.js", new String[] {"vendor/xterm.js", "text/javascript; charset=utf-8"},
    "/vendor/addon-fit.js", new String[] {"vendor/addon-fit.js", "text/javascript; charset=utf-8"},
    "/vendor/xterm.css", new String[] {"vendor/xterm.css", "text/css; charset=utf-8"});

  private record Asset(Buffer body, String contentType, String etag) {
  }

  private Console() {
  }

  /**
   * Adds the console's routes ({@code GET}/{@code HEAD} of {@code /}, its scripts, style sheet and icon, and
   * {@code /config.json}) to the SockJS bridge's router, for a node whose addresses use {@code prefix}.
   *
   * @throws IllegalStateException when a console file is missing from the class path (a broken build)
   */
  public static void mount(Router router, String prefix) {
    for (Map.Entry<String, String[]> file : FILES.entrySet()) {
      Asset asset = asset(load(file.getValue()[0]), file.getValue()[1]);
      router.get(file.getKey()).handler(ctx -> serve(ctx, asset));
      router.head(file.getKey()).handler(ctx -> serve(ctx, asset));
    }
    Asset config = asset(new JsonObject().put("prefix", prefix).put("eventbus", Addresses.SOCKJS_PATH).toBuffer(),
      "application/json");
    router.get("/config.json").handler(ctx -> serve(ctx, config));
  }

  private static void serve(RoutingContext ctx, Asset asset) {
    var response = ctx.response();
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("Referrer-Policy", "no-referrer")
      .putHeader("Cross-Origin-Opener-Policy", "same-origin")
      .putHeader("Cross-Origin-Resource-Policy", "same-origin")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
      .putHeader(HttpHeaders.ETAG, asset.etag());
    if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType());
    if (ctx.request().method().name().equals("HEAD")) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(asset.body().length())).end();
    } else {
      response.end(asset.body());
    }
  }

  private static Asset asset(Buffer body, String contentType) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes());
      return new Asset(body, contentType, "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static Buffer load(String file) {
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("the console file " + RESOURCES + file + " is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
