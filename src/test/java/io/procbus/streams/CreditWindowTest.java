package io.procbus.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link CreditWindow} on its own: both ends' arithmetic, and the two ends agreeing over a stream. */
class CreditWindowTest {

  @Test
  void theServiceSpendsWhatWasGrantedAndMayOverdrawByOneChunk() {
    CreditWindow w = new CreditWindow();
    assertEquals(0, w.credit());
    assertFalse(w.add(0), "a zero grant (the bare attach) gives no credit");
    assertTrue(w.add(100));
    assertTrue(w.spend(60));
    assertFalse(w.spend(60), "the chunk that overdraws is still sent, then the credit is gone");
    assertEquals(-20, w.credit());
    assertFalse(w.add(20), "a grant that only covers the overdraft leaves no credit");
    assertTrue(w.add(1));
    assertEquals(121, w.granted());
    assertEquals(120, w.spent());
  }

  @Test
  void grantsSaturateInsteadOfOverflowing() {
    CreditWindow w = new CreditWindow();
    assertTrue(w.add(Long.MAX_VALUE - 1));
    assertTrue(w.add(Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, w.granted());
    assertTrue(w.spend(1 << 20));
    assertEquals(Long.MAX_VALUE - (1 << 20), w.credit());
  }

  @Test
  void theClientOpensAtTheWindowAndTopsUpBelowHalfOfIt() {
    CreditWindow w = new CreditWindow();
    assertEquals(1000, w.open(1000));
    w.spend(400);
    assertEquals(0, w.topUp(1000), "600 outstanding: more than half the window, no grant");
    w.spend(101);
    assertEquals(501, w.topUp(1000), "499 outstanding: topped up to the window");
    assertEquals(1000, w.credit());
    assertEquals(1501, w.granted());
    assertEquals(0, w.open(1000), "already at the window");
  }

  @Test
  void aOneByteWindowStillOpens() {
    CreditWindow w = new CreditWindow();
    assertEquals(1, w.open(1));
    w.spend(1);
    assertEquals(1, w.topUp(1));
  }

  /**
   * The client's window and the service's agree: what the client granted and has not received is always the
   * service's credit (with nothing in flight), whatever the chunk sizes; the service never sends past the
   * credit by more than one chunk.
   */
  @Test
  void bothEndsAgreeOverAStream() {
    CreditWindow client = new CreditWindow();
    CreditWindow service = new CreditWindow();
    int window = 64 * 1024;
    service.add(client.open(window));
    long sent = 0;
    int chunk = 1;
    while (sent < 10L << 20) {
      if (service.credit() <= 0) {
        // the service is paused: the client hands out more once it has received what was sent
        long grant = client.topUp(window);
        assertTrue(grant > 0, "a stalled stream is always topped up");
        service.add(grant);
      }
      int n = chunk;
      chunk = chunk * 7 % 65_521 + 1;
      service.spend(n);
      sent += n;
      client.spend(n);
      assertTrue(service.credit() > -n, "overdrawn by at most one chunk");
      assertEquals(client.credit(), service.credit());
      long more = client.topUp(window);
      if (more > 0) {
        service.add(more);
      }
      assertEquals(client.granted(), service.granted());
      assertTrue(client.credit() >= window / 2, "a client that reads keeps at least half the window out");
    }
    assertEquals(sent, service.spent());
  }
}
