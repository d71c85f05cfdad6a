package io.procbus.cli;

import io.procbus.config.StateDirectory;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CLI's bearer token comes from, first found wins: {@code --token-file FILE}, the variable
 * {@code PROCBUS_TOKEN}, then the node's first-start file ({@link StateDirectory#tokenFile}).
 *
 * <p>A token file is either a node token file ({@code {"tokens":[…]}}: the entry of the local user, else the
 * first) or a file holding just the token.
 *
 * @param token the token
 * @param source where it came from, for messages (never the token itself)
 */
record TokenSource(String token, String source) {

  /** The variable holding a token. */
  static final String ENV = "PROCBUS_TOKEN";

  /**
   * Finds the token.
   *
   * @throws CliException 125 when there is none, naming where it was looked for
   */
  static TokenSource find(String tokenFile, Map<String, String> env) throws CliException {
    if (tokenFile != null) {
      return new TokenSource(read(Path.of(tokenFile)), tokenFile);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new TokenSource(fromEnv.trim(), ENV);
    }
    Path firstStart = StateDirectory.tokenFile(env);
    if (!Files.exists(firstStart)) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "no token: " + firstStart + " does not exist — a"
        + " node on loopback without a configured token file makes it on its first start (with the same "
        + StateDirectory.ENV + "); or pass --token-file FILE or set " + ENV);
    }
    return new TokenSource(read(firstStart), firstStart.toString());
  }

  private static String read(Path file) throws CliException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "no token file " + file);
    } catch (IOException e) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "cannot read token file " + file + ": " + e);
    }
    if (text.startsWith("{")) {
      try {
        JsonArray tokens = new JsonObject(text).getJsonArray("tokens");
        JsonObject chosen = null;
        for (int i = tokens == null ? 0 : tokens.size() - 1; i >= 0; i--) {
          JsonObject t = tokens.getJsonObject(i);
          String me = StateDirectory.localUser();
          if (chosen == null || !me.equals(chosen.getString("principal")) || me.equals(t.getString("principal"))) {
            chosen = t; // backwards: ends at the local user's first entry, else the file's first
          }
        }
        if (chosen != null && chosen.getString("token") != null) {
          return chosen.getString("token");
        }
      } catch (DecodeException | ClassCastException e) {
        // reported below
      }
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "token file " + file + " holds no token");
    }
    if (text.isEmpty()) {
      throw new CliException(BridgeConnection.PROCBUS_FAILED, "token file " + file + " is empty");
    }
    return text;
  }
}
