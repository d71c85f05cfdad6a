package io.procbus.bridge;

import io.procbus.api.ErrorCode;
import io.procbus.ops.ServiceMonitor;
import io.procbus.protocol.Addresses;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridges' allow-list: the procbus addresses a connection may send to (the service, an instance, a process's
 * control address) or register to (a process's event address), and the refusal of every other address with
 * {@code DENIED}, counted as a denied request. Stateless.
 */
final class AddressPermits {

  private final ServiceMonitor monitor;
  private final String service;
  private final Pattern instanceAddress;
  private final Pattern controlAddress;
  private final Pattern processAddress;

  AddressPermits(Addresses addresses, ServiceMonitor monitor) {
    this.monitor = monitor;
    this.service = addresses.service();
    String segment = "[A-Za-z0-9_-]+";
    this.instanceAddress = Pattern.compile(Pattern.quote(addresses.instance("")) + segment);
    this.controlAddress = Pattern.compile(Pattern.quote(addresses.instance("")) + segment
      + Pattern.quote("." + Addresses.CONTROL));
    this.processAddress = Pattern.compile(Pattern.quote(addresses.process("")) + "([0-9a-fA-F-]{1,64})");
  }

  /** Whether {@code address} is an instance's control address (where grants go). */
  boolean isControl(String address) {
    return controlAddress.matcher(address).matches();
  }

  /** Whether commands may be sent to {@code address}: the service or one of its instances. */
  boolean takesCommands(String address) {
    return address.equals(service) || instanceAddress.matcher(address).matches();
  }

  /** The process id of an event address, or {@code null} when {@code address} is not one. */
  String processId(String address) {
    Matcher m = processAddress.matcher(address);
    return m.matches() ? m.group(1) : null;
  }

  /** Refuses {@code address} as not permitted. */
  void notPermitted(EdgeSession s, String address) {
    deny(s, address, "address " + clip(address) + " is not permitted");
  }

  /** Refuses a frame with {@code DENIED}, counted as a denied request. */
  void deny(EdgeSession s, String address, String message) {
    monitor.denied(s.principal == null ? null : s.principal.name(), "bridge", message);
    s.write(BridgeFrames.error(address, ErrorCode.DENIED, message));
  }

  /** {@code s}, cut to 100 characters for a message. */
  static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }
}
