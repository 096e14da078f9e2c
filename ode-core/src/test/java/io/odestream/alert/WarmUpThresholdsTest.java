package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The warm-up threshold at a stated per-event false-alarm rate: the (1 − rate) quantile of a sample
 * through an exponential tail fitted to its top 2 %, right for an exponential sample, on the safe
 * (high) side for a Gaussian one, never below the floor, none from too few events; a series' age
 * picks its bucket's threshold, else the all-ages one.
 */
class WarmUpThresholdsTest {

    @Test
    void anExponentialSamplesQuantileBeyondTheSampleIsFoundByItsTail() {
        Random random = new Random(17);
        int n = 50_000;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -Math.log(1 - random.nextDouble()); // Exp(1): P(X > q) = e^-q
        }
        // 1e-4 of 50 000 is 5 events: the sample alone cannot say where; the tail can
        assertEquals(Math.log(1e4), WarmUpThresholds.quantile(x, n, 1e-4), 0.25);
        assertEquals(Math.log(1e3), WarmUpThresholds.quantile(x, n, 1e-3), 0.15);
    }

    @Test
    void aGaussianSamplesThresholdErrsHighAlarmingLessThanTheRate() {
        Random random = new Random(5);
        int n = 50_000;
        double[] absZ = new double[n];
        for (int i = 0; i < n; i++) {
            absZ[i] = Math.abs(random.nextGaussian());
        }
        double q = WarmUpThresholds.quantile(absZ, n, 1e-4);
        double exact = 3.8906; // P(|Z| > 3.8906) = 1e-4
        assertTrue(q > exact && q < exact + 0.6, "an exponential tail over a Gaussian one: a little high, " + q);
    }

    @Test
    void aQuietSampleStillGetsTheFloorAndASmallOneNone() {
        double[] quiet = new double[2_000];
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] = 0.001 * (i % 100);
        }
        assertEquals(WarmUpThresholds.FLOOR, WarmUpThresholds.quantile(quiet, quiet.length, 1e-4));
        assertTrue(Double.isNaN(WarmUpThresholds.quantile(new double[999], 999, 1e-4)),
                "fewer than " + WarmUpThresholds.MIN_EVENTS + " events: no threshold");
        assertThrows(IllegalArgumentException.class, () -> WarmUpThresholds.quantile(quiet, quiet.length, 0.05),
                "a rate the fitted tail does not reach is refused");
    }

    @Test
    void aSeriesAgePicksItsBucketsThresholdElseTheAllAgesOne() {
        WarmUpThresholds t = new WarmUpThresholds(1e-4, AgeBuckets.DEFAULT, 4.5, new double[] {7, Double.NaN, 5, 4});
        assertEquals(7, t.forAge(0));
        assertEquals(4.5, t.forAge(1), "bucket {1} has none: all ages");
        assertEquals(5, t.forAge(3));
        assertEquals(4, t.forAge(200));
        assertEquals(4.5, t.forAge(ZPool.UNKNOWN_AGE));
        assertThrows(IllegalArgumentException.class,
                () -> new WarmUpThresholds(1e-4, AgeBuckets.DEFAULT, 2.0, new double[] {7, 7, 7, 7}),
                "below the floor");
        assertTrue(Double.isNaN(new WarmUpThresholds(1e-4, AgeBuckets.DEFAULT, Double.NaN,
                new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN}).forAge(2)), "none: the policy's warmUpZ");
    }
}
