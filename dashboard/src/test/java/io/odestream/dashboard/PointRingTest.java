package io.odestream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointRingTest {

    @Test
    void keepsTheNewestPointsOldestFirstOnceFull() {
        PointRing ring = new PointRing(3, 1);
        for (long t = 1; t <= 5; t++) {
            ring.add(t * 1000, List.of((double) t));
        }
        assertEquals(3, ring.size(), "never more than its capacity");
        assertEquals(3000, ring.time(0));
        assertEquals(5000, ring.time(2));
        assertEquals(5.0, ring.value(2, 0));
    }

    @Test
    void aMissingChannelIsNaNAndChannelsBeyondTheWidthAreNotKept() {
        PointRing ring = new PointRing(2, 2);
        ring.add(1, Arrays.asList(null, 2.0, 99.0));
        ring.add(2, List.of(3.0));
        assertTrue(Double.isNaN(ring.value(0, 0)));
        assertEquals(2.0, ring.value(0, 1));
        assertTrue(Double.isNaN(ring.value(1, 1)), "a shorter observation leaves the rest missing");
    }

    @Test
    void refusesAnIndexOutsideWhatItHolds() {
        PointRing ring = new PointRing(4, 1);
        ring.add(1, List.of(1.0));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.time(1));
        assertThrows(IllegalArgumentException.class, () -> new PointRing(0, 1));
    }
}
