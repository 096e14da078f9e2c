package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass selection of a sample's k largest or smallest points gives exactly what sorting the
 * sample and reading its ends gives, and so the fitted tails read from it are the same to the bit.
 */
class ExtremesTest {
    private static final int K = 25;

    /** n points at an offset in a longer array: Gaussian, rounded to a grid so that ties are common, some NaN. */
    private static double[] sample(Random random, int from, int n) {
        double[] ring = new double[from + n + 7];
        Arrays.fill(ring, 1e9); // outside the sample: never selected
        for (int i = from; i < from + n; i++) {
            ring[i] = random.nextInt(10) == 0 ? Double.NaN : Math.rint(random.nextGaussian() * 20) / 4;
        }
        return ring;
    }

    private static double[] sortedFinite(double[] ring, int from, int n, boolean positiveOnly) {
        return Arrays.stream(ring, from, from + n).filter(x -> x == x && (!positiveOnly || x > 0)).sorted().toArray();
    }

    @Test
    void theKLargestAndSmallestAreTheEndsOfTheSortedSample() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int from = random.nextInt(5);
            int n = K + random.nextInt(2000);
            double[] ring = sample(random, from, n);
            for (boolean positiveOnly : new boolean[] {false, true}) {
                double[] sorted = sortedFinite(ring, from, n, positiveOnly);
                double[] top = new double[K];
                int found = Extremes.largest(ring, from, n, positiveOnly, top, K);
                assertEquals(Math.min(K, sorted.length), found);
                if (sorted.length >= K) {
                    assertArrayEquals(Arrays.copyOfRange(sorted, sorted.length - K, sorted.length), top);
                    double x = sorted[sorted.length - 1] + random.nextDouble();
                    assertEquals(ExponentialTail.upperOfTop(sorted, sorted.length - K, K, sorted.length, x),
                            ExponentialTail.upperOfTop(top, 0, K, sorted.length, x), 0.0, "the same bits");
                }
            }
            double[] sorted = sortedFinite(ring, from, n, false);
            double[] bottom = new double[K];
            Extremes.smallest(ring, from, n, bottom, K);
            assertArrayEquals(Arrays.copyOf(sorted, K), bottom);
            double x = sorted[0] - random.nextDouble();
            assertEquals(ExponentialTail.lower(sorted, sorted.length, x, K),
                    ExponentialTail.lower(bottom, sorted.length, x, K), 0.0);
        }
    }

    @Test
    void fewerQualifyingPointsThanKAreAllReturned() {
        double[] ring = {3, Double.NaN, -1, 2, 0};
        double[] top = new double[K];
        assertEquals(2, Extremes.largest(ring, 0, ring.length, true, top, K));
        assertArrayEquals(new double[] {2, 3}, Arrays.copyOf(top, 2));
        assertEquals(4, Extremes.smallest(ring, 0, ring.length, top, K));
        assertArrayEquals(new double[] {-1, 0, 2, 3}, Arrays.copyOf(top, 4));
    }
}
