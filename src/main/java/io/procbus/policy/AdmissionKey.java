package io.procbus.policy;

import io.procbus.api.Admission;
import io.procbus.api.SpawnRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that seals what a bridge admitted and checks it wherever it runs: HMAC-SHA256 over the canonical form
 * of the admitted request and its {@link Admission}.
 *
 * <p>Every node of a cluster is configured with the same key file ({@code cluster.admissionKeyFile}, at least
 * {@value #MIN_KEY_BYTES} bytes, kept secret like a token file); a node without one uses a random key of its JVM,
 * so what its bridges admit runs on it only (its heartbeat's key {@link #id()} matches no other node's). The id is
 * derived from the key by HMAC and says nothing about it.
 *
 * <p>The canonical form is {@code {"admission":<admission without mac>,"request":<request without node and
 * admission>,"v":1}} with the keys of every object sorted, encoded as compact JSON in UTF-8: the request's
 * {@code node} is left out because placement sets it on the way.
 */
public final class AdmissionKey {

  /** The shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";
  private static AdmissionKey perJvm;

  private final SecretKeySpec key;
  private final String id;
  private final boolean shared;

  private AdmissionKey(byte[] secret, boolean shared) {
    this.key = new SecretKeySpec(secret, ALGORITHM);
    this.shared = shared;
    this.id = HexFormat.of().formatHex(hmac("procbus admission key id".getBytes(StandardCharsets.UTF_8)), 0, 8);
  }

  /**
   * The key in the file at {@code path} (its bytes, without a trailing newline), or {@link #perJvm()} for
   * {@code null}.
   *
   * @throws IllegalArgumentException when the file cannot be read or is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public static AdmissionKey load(String path) {
    if (path == null) {
      return perJvm();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("bad admission key file '" + path + "': " + e, e);
    }
    int n = bytes.length;
    while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r')) {
      n--;
    }
    if (n < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("bad admission key file '" + path + "': " + n + " bytes, at least "
        + MIN_KEY_BYTES + " needed (for instance `head -c 48 /dev/urandom | base64 > " + path + "`)");
    }
    return new AdmissionKey(java.util.Arrays.copyOf(bytes, n), true);
  }

  /** The random key of this JVM, the same for every node part in it. */
  public static synchronized AdmissionKey perJvm() {
    if (perJvm == null) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      perJvm = new AdmissionKey(secret, false);
    }
    return perJvm;
  }

  /** The key's id, as advertised in heartbeats and named in every {@link Admission}. */
  public String id() {
    return id;
  }

  /** Whether the key came from a file (other nodes may share it), not from this JVM's randomness. */
  public boolean shared() {
    return shared;
  }

  /** {@code decision}'s request, sealed for {@code principal}: a copy with its {@link Admission} set. */
  public SpawnRequest seal(CommandPolicy.Decision decision, String principal) {
    SpawnRequest sealed = new SpawnRequest(decision.request()).setAdmission(null);
    Admission admission = new Admission().setPrincipal(principal).setRule(decision.rule())
      .setMaxOutputBytes(decision.maxOutputBytes()).setMaxLiveChildren(decision.maxLiveChildren())
      .setRequires(decision.requires()).setKey(id);
    admission.setMac(mac(sealed, admission));
    return sealed.setAdmission(admission);
  }

  /**
   * The decision sealed in {@code request}, if it was sealed with this key and not changed since.
   *
   * @throws io.procbus.api.ProcessException {@code DENIED} ({@code admission}) when it was not
   */
  public CommandPolicy.Decision open(SpawnRequest request) {
    Admission admission = request.getAdmission();
    if (admission == null) {
      throw CommandPolicy.deny("admission", "the request carries no admission");
    }
    if (!id.equals(admission.getKey())) {
      throw CommandPolicy.deny("admission", "the admission was sealed with key " + admission.getKey()
        + ", this node's is " + id + ": every node of a cluster needs the same cluster.admissionKeyFile");
    }
    String mac = admission.getMac();
    if (mac == null || !MessageDigest.isEqual(mac.getBytes(StandardCharsets.US_ASCII),
      mac(request, admission).getBytes(StandardCharsets.US_ASCII))) {
      throw CommandPolicy.deny("admission", "the request does not match its admission: changed after it was "
        + "admitted, or not admitted by a bridge of this cluster");
    }
    if (admission.getPrincipal() == null || !admission.getPrincipal().equals(request.getOwner())) {
      throw CommandPolicy.deny("admission", "the request's owner is not its admitted principal");
    }
    SpawnRequest unsealed = new SpawnRequest(request).setAdmission(null);
    return new CommandPolicy.Decision(unsealed, admission.getMaxOutputBytes(), admission.getRule(),
      admission.getMaxLiveChildren(), admission.getRequires());
  }

  private String mac(SpawnRequest request, Admission admission) {
    JsonObject r = request.toJson();
    r.remove("node");
    r.remove("admission");
    JsonObject a = admission.toJson();
    a.remove("mac");
    JsonObject form = new JsonObject().put("admission", a).put("request", r).put("v", 1);
    byte[] canonical = sorted(form).encode().getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(canonical));
  }

  private byte[] hmac(byte[] data) {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(key);
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
    }
  }

  /** {@code value} with the keys of every object in sorted order. */
  @SuppressWarnings("unchecked")
  private static Object sortedValue(Object value) {
    if (value instanceof Map<?, ?> m) {
      return sorted(new JsonObject((Map<String, Object>) m));
    }
    if (value instanceof java.util.List<?> l) {
      return sortedValue(new JsonArray(l));
    }
    if (value instanceof JsonObject o) {
      return sorted(o);
    }
    if (value instanceof JsonArray a) {
      JsonArray copy = new JsonArray();
      a.forEach(v -> copy.add(sortedValue(v)));
      return copy;
    }
    return value;
  }

  private static JsonObject sorted(JsonObject o) {
    JsonObject copy = new JsonObject();
    for (Map.Entry<String, Object> e : new TreeMap<>(o.getMap()).entrySet()) {
      copy.put(e.getKey(), sortedValue(e.getValue()));
    }
    return copy;
  }
}
