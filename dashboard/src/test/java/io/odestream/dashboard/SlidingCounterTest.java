package io.odestream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlidingCounterTest {

    @Test
    void countsOnlyTheEventsInsideTheWindow() {
        SlidingCounter perMinute = new SlidingCounter(1_000, 60);
        perMinute.add(10_000);
        perMinute.add(10_500);
        perMinute.add(40_000);
        assertEquals(3, perMinute.sum(40_000));
        assertEquals(3, perMinute.sum(69_999), "10 s is still inside the minute that ends at 69.999 s");
        assertEquals(1, perMinute.sum(70_000), "the events of second 10 left the window");
        assertEquals(0, perMinute.sum(100_000));
    }

    @Test
    void aBucketReusedAfterAFullTurnStartsFromZero() {
        SlidingCounter counter = new SlidingCounter(1_000, 10);
        counter.add(1_000);
        counter.add(11_000); // same slot, ten seconds later
        assertEquals(1, counter.sum(11_000));
        assertEquals(10_000, counter.windowMillis());
    }
}
