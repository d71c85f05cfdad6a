package io.procbus.streams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemandTest {

  @Test
  void flowingUntilPausedThenCountsFetchedItems() {
    Demand demand = new Demand();
    for (int i = 0; i < 1_000; i++) {
      demand.take();
    }
    assertTrue(demand.wanted(), "unbounded demand is never used up");
    demand.pause();
    assertFalse(demand.wanted());
    demand.add(2);
    demand.take();
    assertTrue(demand.wanted());
    demand.take();
    assertFalse(demand.wanted());
  }

  @Test
  void fetchSaturatesAtUnbounded() {
    Demand demand = new Demand();
    demand.pause();
    demand.add(5);
    demand.add(Long.MAX_VALUE);
    for (int i = 0; i < 1_000; i++) {
      demand.take();
    }
    assertTrue(demand.wanted(), "an overflowing fetch makes the demand unbounded, not negative");
  }

  @Test
  void negativeFetchIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Demand.checkFetch(-1));
    Demand.checkFetch(0);
  }
}
