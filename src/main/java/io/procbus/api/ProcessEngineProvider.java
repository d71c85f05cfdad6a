package io.procbus.api;

import io.vertx.core.Vertx;
import java.util.ServiceLoader;

/**
 * The service-provider hook behind {@link ProcessEngine#create}: the in-JVM engine registers itself under
 * {@code META-INF/services}, so that the API names no implementation class and the client-only jar
 * ({@code procbus-…-client.jar}, without the engine, JNA or the native transport) loads without it.
 * Callers use {@link ProcessEngine#create}, never this.
 */
public interface ProcessEngineProvider {

  /** A new in-JVM engine on {@code vertx} with {@code options}. */
  ProcessEngine create(Vertx vertx, EngineOptions options);

  /**
   * The provider on the class path of this API.
   *
   * @throws IllegalStateException when there is none: a client-only class path has no in-JVM engine
   */
  static ProcessEngineProvider load() {
    return ServiceLoader.load(ProcessEngineProvider.class, ProcessEngineProvider.class.getClassLoader())
      .findFirst()
      .orElseThrow(() -> new IllegalStateException("no in-JVM process engine on the class path (the procbus "
        + "client jar has none): run children through a service with ProcessClient.create, or depend on the "
        + "full procbus jar"));
  }
}
