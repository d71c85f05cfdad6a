package io.procbus.launcher;

import io.procbus.config.ClusterTlsOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * Closes the clustered event bus with mutual TLS ({@code cluster.tls}): checks the PEM files before anything
 * starts, then sets them on Vert.x's {@link EventBusOptions}, which both the member's event-bus server and
 * its connections to other members use. Client authentication is {@link ClientAuth#REQUIRED}: a peer without
 * a trusted certificate can neither connect to this member nor be connected to.
 *
 * <p>Hostname verification stays off, as Vert.x sets it for the event-bus client: members are authenticated
 * by the trusted certificates, not by the address they announce.
 */
final class EventBusTls {

  private static final String KEY = "cluster.tls.";

  private EventBusTls() {
  }

  /**
   * Checks that an enabled {@code tls} names a readable PEM private key, a readable PEM certificate and at
   * least one readable PEM file of trusted certificates.
   *
   * @throws IllegalArgumentException {@code bad configuration at 'cluster.tls.<key>': …}
   */
  static void check(ClusterTlsOptions tls) {
    if (!tls.isEnabled()) {
      return;
    }
    String key = read("keyPath", tls.getKeyPath());
    if (!key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----")) {
      throw bad("keyPath", "no PEM private key in '" + tls.getKeyPath() + "'");
    }
    certificates("certPath", tls.getCertPath());
    List<String> trust = tls.getTrustPaths();
    if (trust.isEmpty()) {
      throw bad("trustPaths", "at least one PEM file of trusted certificates is required when TLS is enabled");
    }
    for (String path : trust) {
      certificates("trustPaths", path);
    }
  }

  /** Sets an enabled {@code tls} on {@code eventBus}: SSL, this member's key and certificate, trust, client auth. */
  static void apply(ClusterTlsOptions tls, EventBusOptions eventBus) {
    if (!tls.isEnabled()) {
      return;
    }
    PemTrustOptions trust = new PemTrustOptions();
    tls.getTrustPaths().forEach(trust::addCertPath);
    eventBus.setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(tls.getKeyPath()).setCertPath(tls.getCertPath()))
      .setTrustOptions(trust)
      .setClientAuth(ClientAuth.REQUIRED)
      .setTrustAll(false);
  }

  /**
   * Does, on the calling thread, the one-time TLS set-up Vert.x would otherwise do on an event loop at the
   * first connection between members: the JDK's default trust store and TLS classes load (3–7 s measured on a
   * loaded 2-core machine, long enough to blow the 10 s handshake timeout of the first connection).
   */
  static void warmUp() {
    try {
      // Vert.x's lazily computed default cipher suite: its static initializer is that set-up
      Class.forName("io.vertx.core.spi.tls.DefaultJDKCipherSuite", true, EventBusTls.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      // another Vert.x version: the first connection pays for it, as without the warm-up
    }
  }

  private static void certificates(String key, String path) {
    read(key, path);
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw bad(key, "no PEM certificate in '" + path + "'");
      }
    } catch (IOException | CertificateException e) {
      throw bad(key, "no PEM certificate in '" + path + "': " + e.getMessage());
    }
  }

  private static String read(String key, String path) {
    if (path == null || path.isBlank()) {
      throw bad(key, "required when TLS is enabled");
    }
    try {
      return new String(Files.readAllBytes(Path.of(path)), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      throw bad(key, "cannot read '" + path + "' (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static IllegalArgumentException bad(String key, String what) {
    return new IllegalArgumentException("bad configuration at '" + KEY + key + "': " + what);
  }
}
