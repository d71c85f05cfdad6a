/**
 * The event-bus contract in code: addresses, headers, event types and control fields. Every name here is
 * documented in {@code docs/protocol.md}; a test fails when one is missing there.
 */
package io.procbus.protocol;
