package io.procbus.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The token file a node makes on its first start when none is configured: one random 256-bit token for the local
 * user, role {@value #ROLE}, in {@link TokenStore}'s format, readable by its owner only.
 *
 * <p>The file is written under a temporary name created with mode 0600 and then linked to its name, so it is
 * never readable by others and never half-written, and two nodes starting at once keep the first one's token. Its
 * directory is created with mode 0700. A file that exists is reused as it is, after checking that nobody but its
 * owner can read or replace it.
 */
public final class LocalTokenFile {

  /** The role of the first-start principal. */
  public static final String ROLE = "user";
  /** Random bytes in a token: 256 bits. */
  public static final int TOKEN_BYTES = 32;

  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
    PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  /**
   * What {@link #createOrReuse} found.
   *
   * @param path the token file
   * @param created whether this call made it (else it existed)
   * @param principal the principal of the first token in it
   */
  public record Result(Path path, boolean created, String principal) {
  }

  private LocalTokenFile() {
  }

  /**
   * Makes {@code file} with a fresh token for {@code principal}, or reuses it when it exists.
   *
   * @throws IllegalArgumentException when it cannot be made, or an existing one is readable or writable by others
   *                                  or is not a valid token file
   */
  public static Result createOrReuse(Path file, String principal) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Set<PosixFilePermission> dirMode = Files.getPosixFilePermissions(dir);
      if (dirMode.contains(PosixFilePermission.GROUP_WRITE) || dirMode.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IllegalArgumentException("state directory " + dir + " is writable by others ("
          + PosixFilePermissions.toString(dirMode) + "): chmod 700 " + dir);
      }
      boolean created = false;
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        created = create(file, principal);
      }
      return reuse(file, created);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot make the first-start token file " + file + ": " + e, e);
    }
  }

  /** Writes a new file atomically; false when another process made it first. */
  private static boolean create(Path file, String principal) throws IOException {
    byte[] random = new byte[TOKEN_BYTES];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    JsonObject content = new JsonObject().put("tokens", new JsonArray().add(new JsonObject().put("token", token)
      .put("principal", principal).put("roles", new JsonArray().add(ROLE))));
    Path tmp = Files.createTempFile(file.getParent(), ".tokens-", ".tmp",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap((content.encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp); // fails if the name exists: never replaces another node's token
      } catch (UnsupportedOperationException e) {
        Files.move(tmp, file); // a file system without hard links: not atomic against another node, still private
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Result reuse(Path file, boolean created) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("token file " + file + " is not a regular file");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    if (mode.stream().anyMatch(OTHERS::contains)) {
      throw new IllegalArgumentException("token file " + file + " is accessible by others ("
        + PosixFilePermissions.toString(mode) + "): chmod 600 " + file);
    }
    String owner = Files.getOwner(file).getName();
    if (!owner.equals(System.getProperty("user.name"))) {
      throw new IllegalArgumentException("token file " + file + " belongs to " + owner + ", not to "
        + System.getProperty("user.name"));
    }
    TokenStore.load(file.toString()); // refuses a malformed file with a message naming it
    JsonArray tokens = new JsonObject(Files.readString(file, StandardCharsets.UTF_8)).getJsonArray("tokens");
    String principal = tokens.isEmpty() ? null : tokens.getJsonObject(0).getString("principal");
    return new Result(file, created, principal);
  }
}
