package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Training on a spread of gaps: with a largest stride S the windows take every s-th observation
 * (s in 1..S), and the recorded horizon is the forecast span of the windows at the largest stride.
 */
class TrainingStrideTest {
    /** A regular series: one observation every {@code gapMillis}. */
    private static LatentOdeTraining.Series regular(int n, long gapMillis) {
        long[] t = new long[n];
        double[][] v = new double[n][1];
        for (int k = 0; k < n; k++) {
            t[k] = 1_000_000 + k * gapMillis;
            v[k][0] = Math.sin(k);
        }
        return new LatentOdeTraining.Series(t, v);
    }

    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(1, 2, 4, new int[] {4}, new int[] {4}, 1000.0);

    @Test
    void theRecordedHorizonIsTheForecastSpanAtTheLargestStride() {
        List<LatentOdeTraining.Series> data = List.of(regular(200, 500));
        // window 8, context 5: 3 gaps of 0.5 s after the context, at stride 4 twelve of them: 6 s
        assertEquals(6.0, LatentOdeTraining.trainedHorizon(SPEC, data,
                new LatentOdeTraining.Config(8, 5, 4, 1, 0.01, 1.0, 1, 4)), 1e-12);
        assertEquals(1.5, LatentOdeTraining.trainedHorizon(SPEC, data,
                new LatentOdeTraining.Config(8, 5, 4, 1, 0.01, 1.0, 1)), 1e-12, "consecutive windows: 3 gaps");
    }

    @Test
    void windowsSpreadOverGapsFromOneToTheLargestStrideTimesTheDatasOwn() {
        List<LatentOdeTraining.Series> data = new ArrayList<>(List.of(regular(300, 1000)));
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(6, 3, 64, 1, 0.01, 1.0, 1, 5);
        LatentOdeElbo.Batch batch = LatentOdeTraining.sample(SPEC, data, config, new SplittableRandom(2));
        boolean[] seen = new boolean[6];
        for (double[] times : batch.times()) {
            double gap = times[1] - times[0];
            for (int k = 2; k < times.length; k++) {
                assertEquals(gap, times[k] - times[k - 1], 1e-12, "one stride per window");
            }
            assertTrue(gap >= 1 && gap <= 5, "gap " + gap);
            seen[(int) Math.round(gap)] = true;
        }
        for (int s = 1; s <= 5; s++) {
            assertTrue(seen[s], "64 windows include stride " + s);
        }
    }

    @Test
    void aSeriesTooShortForTheLargestStrideIsCutAtTheLargestItAllows() {
        List<LatentOdeTraining.Series> data = List.of(regular(11, 1000));
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(6, 3, 32, 1, 0.01, 1.0, 1, 8);
        LatentOdeElbo.Batch batch = LatentOdeTraining.sample(SPEC, data, config, new SplittableRandom(3));
        for (double[] times : batch.times()) {
            assertTrue(times[times.length - 1] <= 10.0, "inside the series: " + times[times.length - 1]);
        }
        assertEquals(6.0, LatentOdeTraining.trainedHorizon(SPEC, data, config), 1e-12, "stride 2: 3 gaps of 2 s");
    }
}
