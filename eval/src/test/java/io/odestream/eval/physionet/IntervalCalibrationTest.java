package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Coverage and PIT deviation on z-scores whose law is known: standard normal ones are calibrated
 * (90 % inside, flat PIT), ones twice too wide cover far less and pile up in the outer PIT bins;
 * missing values and each stay's first observation are not counted.
 */
class IntervalCalibrationTest {

    private static List<Series> stays(int count, int length) {
        List<Series> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long[] t = new long[length];
            double[][] x = new double[length][2];
            for (int k = 0; k < length; k++) {
                t[k] = k * 60_000L;
                x[k][0] = 0.5;
                x[k][1] = k % 2 == 0 ? Double.NaN : 0.5;
            }
            out.add(new Series(t, x));
        }
        return out;
    }

    private static ZScoreForecaster gaussian(double sd, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return (t, x) -> {
            double[][] z = new double[t.length][2];
            for (double[] row : z) {
                row[0] = sd * random.nextGaussian();
                row[1] = sd * random.nextGaussian();
            }
            return z;
        };
    }

    @Test
    void standardNormalScoresAreCalibrated() {
        IntervalCalibration.Result r = IntervalCalibration.oneStepAhead(gaussian(1, 1), stays(200, 101));
        // per stay: 100 observations after the first, channel 0 always, channel 1 on the 50 odd ones
        assertEquals(200 * 150, r.values());
        assertEquals(0.90, r.coverage90(), 0.01);
        assertTrue(r.pitDeviation() < 0.02, r.toString());
    }

    @Test
    void scoresTwiceTooWideCoverLittleAndPileUpInTheOuterBins() {
        IntervalCalibration.Result r = IntervalCalibration.oneStepAhead(gaussian(2, 2), stays(200, 101));
        // P(|N(0, 4)| <= 1.645) = 2Φ(0.82) − 1 ≈ 0.59
        assertEquals(0.59, r.coverage90(), 0.02);
        assertTrue(r.pitDeviation() > 0.15, r.toString());
        assertTrue(r.pitHistogram()[0] > 2 * r.pitHistogram()[5], r.toString());
    }

    @Test
    void theNormalCdfMatchesItsTable() {
        assertEquals(0.5, IntervalCalibration.standardNormalCdf(0), 1e-7);
        assertEquals(0.95, IntervalCalibration.standardNormalCdf(IntervalCalibration.Z_90), 1e-6);
        assertEquals(0.841344746, IntervalCalibration.standardNormalCdf(1), 1e-6);
        assertEquals(0.022750132, IntervalCalibration.standardNormalCdf(-2), 1e-6);
    }
}
