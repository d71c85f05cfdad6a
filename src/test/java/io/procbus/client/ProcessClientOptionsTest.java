package io.procbus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ProcessClientOptionsTest {

  @Test
  void defaultsAreTheNamedConstants() {
    ProcessClientOptions o = new ProcessClientOptions();
    assertEquals(ProcessClientOptions.DEFAULT_PREFIX, o.getPrefix());
    assertNull(o.getServiceAddress());
    assertNull(o.getOwner());
    assertEquals(ProcessClientOptions.DEFAULT_WINDOW, o.getWindow());
    assertEquals(ProcessClientOptions.DEFAULT_LEASE_RENEW_MILLIS, o.getLeaseRenewMillis());
    assertEquals(ProcessClientOptions.DEFAULT_REQUEST_TIMEOUT_MILLIS, o.getRequestTimeoutMillis());
    assertEquals(ProcessClientOptions.DEFAULT_OBSERVER_MAX_EVENTS, o.getObserverMaxEvents());
    assertEquals(ProcessClientOptions.DEFAULT_OBSERVER_MAX_BYTES, o.getObserverMaxBytes());
    assertNull(o.getNode());
    assertEquals(ProcessClientOptions.DEFAULT_NODE_TIMEOUT_MILLIS, o.getNodeTimeoutMillis());
  }

  @Test
  void jsonRoundTripKeepsEveryField() {
    ProcessClientOptions original = new ProcessClientOptions().setPrefix("p").setServiceAddress("p.instance.a")
      .setOwner("me").setWindow(1234).setLeaseRenewMillis(99).setRequestTimeoutMillis(77)
      .setObserverMaxEvents(55).setObserverMaxBytes(5_000_000_000L).setNode("b").setNodeTimeoutMillis(66);
    assertEquals(original.toJson(), new ProcessClientOptions(original.toJson()).toJson());
    assertEquals(original.toJson(), new ProcessClientOptions(original).toJson());
    assertEquals(55, new ProcessClientOptions(original.toJson()).getObserverMaxEvents());
    assertEquals(5_000_000_000L, new ProcessClientOptions(original.toJson()).getObserverMaxBytes());
    assertEquals("b", new ProcessClientOptions(original).getNode());
    assertEquals(66, new ProcessClientOptions(original.toJson()).getNodeTimeoutMillis());
  }
}
