package io.procbus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.ops.ServiceMonitor;
import io.procbus.protocol.Addresses;
import org.junit.jupiter.api.Test;

/** The bridges' allow-list: only the procbus addresses of the node's prefix, and each for its use. */
class AddressPermitsTest {

  private final Addresses addresses = new Addresses("pb");
  private final AddressPermits permits = new AddressPermits(addresses, ServiceMonitor.NOOP);

  @Test
  void commandsGoToTheServiceAndItsInstancesOnly() {
    assertTrue(permits.takesCommands(addresses.service()));
    assertTrue(permits.takesCommands(addresses.instance("node-1_a")));
    assertFalse(permits.takesCommands(addresses.instance("node.1")), "one segment");
    assertFalse(permits.takesCommands(addresses.instance("")));
    assertFalse(permits.takesCommands(addresses.instance("n") + "." + Addresses.CONTROL), "control is for grants");
    assertFalse(permits.takesCommands(new Addresses("other").service()), "another prefix");
    assertFalse(permits.takesCommands(addresses.process("0a1b")));
  }

  @Test
  void grantsGoToAnInstancesControlAddressOnly() {
    assertTrue(permits.isControl(addresses.instance("n") + "." + Addresses.CONTROL));
    assertFalse(permits.isControl(addresses.service()));
    assertFalse(permits.isControl(addresses.instance("n")));
    assertFalse(permits.isControl(new Addresses("other").instance("n") + "." + Addresses.CONTROL));
  }

  @Test
  void registrationsGoToAProcessEventAddressOnly() {
    String id = "0f3c2a9e-7b41-4d5e-9a8b-1c2d3e4f5a6b";
    assertEquals(id, permits.processId(addresses.process(id)));
    assertNull(permits.processId(addresses.process("not-hex!")));
    assertNull(permits.processId(addresses.process("")));
    assertNull(permits.processId(addresses.process("a".repeat(65))), "at most 64 characters");
    assertNull(permits.processId(addresses.service()));
    assertNull(permits.processId(new Addresses("other").process(id)));
  }

  @Test
  void longAddressesAreClippedInMessages() {
    assertEquals("short", AddressPermits.clip("short"));
    assertEquals("x".repeat(100) + "…", AddressPermits.clip("x".repeat(101)));
  }
}
