package io.procbus.examples;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;

/**
 * The Java caller of docs/security.md joining a cluster whose event bus is closed with mutual TLS; {@code ClusterTlsIT}
 * joins its trusted member with it. The lines between the tags are the snippet in docs/security.md
 * ({@code DocSnippetsTest} checks that they match).
 */
public final class TlsMemberExample {

  private TlsMemberExample() {
  }

  /** The event-bus options of a member presenting {@code keyPath}/{@code certPath} and trusting {@code trustPaths}. */
  public static EventBusOptions eventBusOptions(String keyPath, String certPath, List<String> trustPaths) {
    // tag::tls-member[]
    PemTrustOptions trust = new PemTrustOptions();
    trustPaths.forEach(trust::addCertPath);            // the cluster CA, or each member's own certificate
    return new EventBusOptions().setSsl(true)          // then: new VertxOptions().setEventBusOptions(…)
      .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(keyPath).setCertPath(certPath))
      .setTrustOptions(trust)
      .setClientAuth(ClientAuth.REQUIRED);             // the nodes must present a trusted certificate too
    // end::tls-member[]
  }
}
