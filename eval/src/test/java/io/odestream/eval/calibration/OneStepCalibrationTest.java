package io.odestream.eval.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.Prediction;
import org.junit.jupiter.api.Test;

/**
 * {@link OneStepCalibration}: each scored row's PIT is the served forecast's CDF at the row, from the
 * state before it; rows before {@code fromRow}, rows not kept and missing values count nothing.
 */
class OneStepCalibrationTest {
    private static final LatentFilter FILTER = new LatentFilter(
            LatentOdeModel.create(LatentOdeSpec.of(2, 3, 6, new int[] {8}, new int[] {8}, 1000.0), 4), "t", 1);

    private static long[] times(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1_000L * (i + 1);
        }
        return t;
    }

    private static double[][] values(int n) {
        double[][] v = new double[n][2];
        for (int i = 0; i < n; i++) {
            v[i][0] = Math.sin(i);
            v[i][1] = i % 3 == 0 ? Double.NaN : Math.cos(i);
        }
        return v;
    }

    @Test
    void everyObservedValueFromTheFirstScoredRowOnGivesOnePitValue() {
        int n = 12;
        double[][] v = values(n);
        OneStepCalibration.Result r = OneStepCalibration.run(FILTER, times(n), v, 4, i -> i != 7, 16, 3);
        long expected = 0;
        for (int i = 4; i < n; i++) {
            if (i != 7) {
                expected += Double.isNaN(v[i][1]) ? 1 : 2;
            }
        }
        assertEquals(expected, r.pit().count());
        assertEquals(0, r.solverFailures());
    }

    @Test
    void aValueInsideTheServedNinetyPercentIntervalCountsAsCovered() {
        long[] t = {1_000, 2_000};
        FilterState state = FILTER.update(FILTER.start(1_000), 1_000, new double[] {0.2, 0.1}, null);
        Prediction served = FILTER.predict(state, new long[] {2_000}, 16, 5 + 1);
        double inside = served.q50()[0][0];
        double outside = served.q95()[0][0] + 10 * served.std()[0][0];
        OneStepCalibration.Result in = OneStepCalibration.run(FILTER, t,
                new double[][] {{0.2, 0.1}, {inside, Double.NaN}}, 1, null, 16, 5);
        OneStepCalibration.Result out = OneStepCalibration.run(FILTER, t,
                new double[][] {{0.2, 0.1}, {outside, Double.NaN}}, 1, null, 16, 5);
        assertEquals(1.0, in.pit().coverage90(), "the served median is inside");
        assertEquals(0.0, out.pit().coverage90(), "ten σ above the served 95 % quantile is outside");
        assertTrue(out.pit().histogram()[9] == 1.0);
    }
}
