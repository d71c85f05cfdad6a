package io.procbus.client;

import io.procbus.api.ProcessException;
import io.procbus.client.ProcessClientImpl.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's children: live until they exit (or are given up), open until nothing more will come for them.
 * An instance's lease is renewed while it has open children: a child that exited may still have a grandchild
 * writing to its pipe. Any thread: children live on many contexts.
 */
final class Children {

  private final Set<RemoteTransport> live = ConcurrentHashMap.newKeySet();
  private final Set<RemoteTransport> open = ConcurrentHashMap.newKeySet();

  /** A child spawned at {@code transport.instance()}. */
  void add(RemoteTransport transport) {
    live.add(transport);
    open.add(transport);
    transport.instance().open().incrementAndGet();
  }

  /** The child exited (or was given up): it no longer counts as live. */
  void exited(RemoteTransport transport) {
    live.remove(transport);
  }

  /** The child is finished: nothing more will come for it, and its instance's lease need not be renewed for it. */
  void forget(RemoteTransport transport) {
    live.remove(transport);
    if (open.remove(transport)) {
      transport.instance().open().decrementAndGet();
    }
  }

  int liveCount() {
    return live.size();
  }

  /** The open children at {@code instance}. */
  List<RemoteTransport> openAt(Instance instance) {
    List<RemoteTransport> at = new ArrayList<>();
    for (RemoteTransport t : open) {
      if (t.instance() == instance) {
        at.add(t);
      }
    }
    return at;
  }

  /** Fails every open child with {@code failure}. */
  void failAll(ProcessException failure) {
    for (RemoteTransport t : new ArrayList<>(open)) {
      t.fail(failure);
    }
  }
}
