package io.odestream.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Comparisons between the java and djl backends. */
final class Agreement {
    private Agreement() {
    }

    /** max_i |a_i − b_i| / (1 + |b_i|): relative for large entries, absolute near zero. */
    static double maxScaledDifference(double[] a, double[] b) {
        assertEquals(b.length, a.length, "lengths");
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs(a[i] - b[i]) / (1.0 + Math.abs(b[i]));
            if (!(diff <= m)) {
                m = diff; // NaN propagates and fails the caller's check
            }
        }
        return m;
    }

    static void assertClose(double[] actual, double[] expected, double tolerance, String what) {
        double diff = maxScaledDifference(actual, expected);
        assertTrue(diff <= tolerance, what + ": max |djl − java|/(1 + |java|) = " + diff + " > " + tolerance);
    }

    static double[] gaussian(int n, long seed, double scale) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }
}
