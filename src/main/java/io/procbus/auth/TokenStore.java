package io.procbus.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.procbus.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The bearer tokens of the bridges, read once from the token file
 * ({@code {"tokens":[{"token":"…","principal":"alice","roles":["user"]}]}}).
 *
 * <p>Tokens are kept only as SHA-256 digests and looked up by digest, so a lookup's timing says nothing about
 * how much of a guess was right. A token is at least {@value #MIN_TOKEN_LENGTH} characters.
 */
public final class TokenStore {

  /** The shortest token accepted in the file. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** One line of the file. */
  record Entry(@JsonProperty(required = true) String token, @JsonProperty(required = true) String principal,
               List<String> roles) {
  }

  /** The file. */
  record File(@JsonProperty(required = true) List<Entry> tokens) {
  }

  private static final TokenStore EMPTY = new TokenStore(Map.of(), Map.of());

  private final Map<String, Principal> byDigest;
  private final Map<String, Principal> byName;

  private TokenStore(Map<String, Principal> byDigest, Map<String, Principal> byName) {
    this.byDigest = byDigest;
    this.byName = byName;
  }

  /** No token at all: every authentication fails. */
  public static TokenStore empty() {
    return EMPTY;
  }

  /**
   * Reads the token file at {@code path}, or gives {@link #empty()} for {@code null}.
   *
   * @throws IllegalArgumentException when it cannot be read, is malformed, or holds a short or duplicate token
   */
  public static TokenStore load(String path) {
    if (path == null) {
      return EMPTY;
    }
    String text;
    try {
      text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("bad token file '" + path + "': " + e, e);
    }
    File file;
    try {
      file = ConfigReader.read(new JsonObject(text), File.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad token file '" + path + "': " + e.getMessage(), e);
    }
    Map<String, Principal> byDigest = new HashMap<>();
    Map<String, Principal> byName = new HashMap<>();
    for (Entry e : file.tokens()) {
      if (e.token().length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException("bad token file '" + path + "': the token of " + e.principal()
          + " is shorter than " + MIN_TOKEN_LENGTH + " characters");
      }
      Principal p = new Principal(e.principal(), e.roles() == null ? List.of() : e.roles());
      if (byDigest.put(digest(e.token()), p) != null) {
        throw new IllegalArgumentException("bad token file '" + path + "': a token is listed twice");
      }
      byName.putIfAbsent(p.name(), p);
    }
    return new TokenStore(Map.copyOf(byDigest), Map.copyOf(byName));
  }

  /** The principal of {@code token}, or {@code null}. */
  public Principal authenticate(String token) {
    return token == null ? null : byDigest.get(digest(token));
  }

  /** The principal named {@code name} in the file, or a caller with role {@link Principal#BUS_ROLE}. */
  public Principal byName(String name) {
    Principal p = name == null ? null : byName.get(name);
    return p != null ? p : new Principal(name == null ? "" : name, List.of(Principal.BUS_ROLE));
  }

  private static String digest(String token) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
