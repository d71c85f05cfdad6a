package io.procbus.examples;

import io.procbus.api.ProcessOptions;
import io.procbus.api.Stdio;
import io.procbus.client.ProcessClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * The README's example: another verticle runs {@code ls -l} in the procbus service through the bus, with the
 * same {@code ChildProcess} API as in-process. The lines between the tags are the
 * README's snippet ({@code DocSnippetsTest} checks that they match).
 */
public final class LsOverTheBusExample extends VerticleBase {

  /** What {@code ls -l} printed, once the verticle has started. */
  String listing;

  @Override
  public Future<?> start() {
    // tag::ls-over-the-bus[]
    ProcessClient client = ProcessClient.create(vertx);               // the service at procbus.service
    return client.exec(List.of("ls", "-l", "/"), new ProcessOptions().setStdout(Stdio.pipe()))
      .compose(ls -> ls.communicate())                                // read stdout to EOF, wait for exit
      .onSuccess(r -> System.out.printf("exit %d%n%s", r.returnCode(), r.stdout()))
      .eventually(client::close)                                      // release the owner's children
    // end::ls-over-the-bus[]
      .onSuccess(r -> listing = r.stdout().toString());
  }
}
