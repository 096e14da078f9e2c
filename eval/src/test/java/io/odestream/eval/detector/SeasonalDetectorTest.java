package io.odestream.eval.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.SeasonalBaseline;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector with a seasonal baseline, on a series whose daily cycle moves it by several noise σ
 * per row (one row every 5 minutes, two and a bit days, a spike on the third): the model of the
 * residual predicts the rows better than the model of the values, the spike is still its most
 * anomalous row, and it stays strictly online though the baseline learns from every scored row.
 */
class SeasonalDetectorTest {
    static final long STEP = 300_000L;
    static final int ROWS = 640;
    static final int FIT = 320;
    static final int SPIKE = 500;
    static final DetectorSettings PLAIN = LatentOdeDetectorTest.FAST;
    static final DetectorSettings SEASONAL = PLAIN.withSeasonal(
            new Seasonality(new SeasonalBaseline.Config(3, 1, 14, 10), Seasonality.Kind.SHAPE));
    static long[] times;
    static double[] values;
    static DetectorOutput seasonal;

    @BeforeAll
    static void runOnce() {
        times = new long[ROWS];
        values = new double[ROWS];
        Random random = new Random(8);
        for (int i = 0; i < ROWS; i++) {
            times[i] = 1_600_000_000_000L + i * STEP;
            double day = 2 * Math.PI * i / 288.0;
            // a daily shape of three harmonics, up to ~3 noise σ a row
            values[i] = 50 + 20 * Math.sin(day) + 8 * Math.cos(2 * day) + 4 * Math.sin(3 * day)
                    + 0.3 * random.nextGaussian();
        }
        values[SPIKE] += 6.0; // 20 σ
        seasonal = new LatentOdeDetector(SEASONAL).run(times, values, FIT);
    }

    @Test
    void theResidualModelPredictsADailyCycleBetterThanTheModelOfTheValues() {
        DetectorOutput plain = new LatentOdeDetector(PLAIN).run(times, values, FIT);
        double seasonalMean = meanScoreOutsideTheSpike(seasonal);
        double plainMean = meanScoreOutsideTheSpike(plain);
        assertTrue(seasonalMean < plainMean - 1.5,
                "mean negative log density of the scored rows: seasonal " + seasonalMean + ", plain " + plainMean);
    }

    @Test
    void theSpikeIsStillTheMostAnomalousRow() {
        int argMax = FIT;
        for (int i = FIT; i < ROWS; i++) {
            if (seasonal.rawScore()[i] > seasonal.rawScore()[argMax]) {
                argMax = i;
            }
        }
        assertEquals(SPIKE, argMax, "highest negative log density");
        assertTrue(seasonal.anomalyScore()[SPIKE] > 0.999, "calibrated: " + seasonal.anomalyScore()[SPIKE]);
    }

    @Test
    void rowsAreScoredBeforeTheBaselineLearnsFromAnythingLater() {
        double[] changedFuture = values.clone();
        for (int i = 400; i < ROWS; i++) {
            changedFuture[i] = 3 * changedFuture[i] - 100; // everything from row 400 on is different
        }
        DetectorOutput other = new LatentOdeDetector(SEASONAL).run(times, changedFuture, FIT);
        for (int i = 0; i < 400; i++) {
            assertEquals(seasonal.rawScore()[i], other.rawScore()[i], "raw score of row " + i);
            assertEquals(seasonal.anomalyScore()[i], other.anomalyScore()[i], "anomaly score of row " + i);
        }
        assertTrue(other.rawScore()[400] != seasonal.rawScore()[400], "row 400 itself did change");
    }

    private static double meanScoreOutsideTheSpike(DetectorOutput output) {
        double sum = 0;
        int count = 0;
        for (int i = FIT; i < ROWS; i++) {
            if (Math.abs(i - SPIKE) > 2) {
                sum += output.rawScore()[i];
                count++;
            }
        }
        return sum / count;
    }
}
