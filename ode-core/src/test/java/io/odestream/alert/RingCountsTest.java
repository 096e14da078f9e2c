package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ring counts are the same on the Vector API as in the loops, for any offset and length (lanes
 * past the last whole vector included), with ties and NaN in the ring and at the level.
 */
class RingCountsTest {
    @Test
    void theVectorApiCountsWhatTheLoopsCount() {
        Random random = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            int from = random.nextInt(9);
            int n = random.nextInt(200);
            double[] ring = new double[from + n + random.nextInt(9)];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = random.nextInt(8) == 0 ? Double.NaN : Math.rint(random.nextGaussian() * 8) / 4;
            }
            double level = random.nextInt(10) == 0 ? Double.NaN : Math.rint(random.nextGaussian() * 8) / 4;
            String where = "trial " + trial + ": from " + from + ", n " + n + ", level " + level;
            assertEquals(RingCounts.loopAtLeast(ring, from, n, level), VectorRingCounts.atLeast(ring, from, n, level),
                    where);
            assertEquals(RingCounts.loopAbove(ring, from, n, level), VectorRingCounts.above(ring, from, n, level), where);
            assertEquals(RingCounts.loopEqual(ring, from, n, level), VectorRingCounts.equal(ring, from, n, level), where);
            assertEquals(RingCounts.loopObserved(ring, from, n), VectorRingCounts.observed(ring, from, n), where);
        }
    }

    @Test
    void theLoopsCountByDefinition() {
        double[] ring = {Double.NaN, 1, 2, 2, 3, Double.NaN};
        assertEquals(3, RingCounts.loopAtLeast(ring, 0, ring.length, 2));
        assertEquals(1, RingCounts.loopAbove(ring, 0, ring.length, 2));
        assertEquals(2, RingCounts.loopEqual(ring, 0, ring.length, 2));
        assertEquals(4, RingCounts.loopObserved(ring, 0, ring.length));
        assertEquals(2, RingCounts.loopObserved(ring, 1, 2), "only [from, from + n)");
    }
}
