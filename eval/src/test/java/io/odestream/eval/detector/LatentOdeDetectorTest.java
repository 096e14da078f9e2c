package io.odestream.eval.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector's contract on a synthetic series (a daily-like sine with noise, one row every 5
 * minutes, a spike at row 400): strictly online, deterministic, silent on its fit rows, and the
 * spike is its most anomalous row, reported once. A short fit (40 iterations) keeps the test fast;
 * the spike is 20 noise σ, which any fitted model must find surprising.
 */
class LatentOdeDetectorTest {
    static final long STEP = 300_000L;
    static final int ROWS = 600;
    static final int FIT = 150;
    static final int SPIKE = 400;
    static final DetectorSettings FAST = new DetectorSettings(3, 8, 16, 12, 8, 8, 40, 0.01, 1.0, 8, 12, 1e-3,
            DetectorSettings.nabPolicy(), 3);
    static long[] times;
    static double[] values;
    static DetectorOutput output;

    @BeforeAll
    static void runOnce() {
        times = new long[ROWS];
        values = new double[ROWS];
        Random random = new Random(5);
        for (int i = 0; i < ROWS; i++) {
            times[i] = 1_600_000_000_000L + i * STEP;
            values[i] = 10 + 3 * Math.sin(2 * Math.PI * i / 96.0) + 0.2 * random.nextGaussian();
        }
        values[SPIKE] += 4.0; // 20 σ
        output = new LatentOdeDetector(FAST).run(times, values, FIT);
    }

    @Test
    void theFitRowsScoreZeroAndEveryLaterRowHasARawScore() {
        for (int i = 0; i < FIT; i++) {
            assertEquals(0.0, output.anomalyScore()[i], "fit row " + i);
        }
        for (int i = FIT; i < ROWS; i++) {
            assertTrue(Double.isFinite(output.rawScore()[i]), "row " + i + " raw " + output.rawScore()[i]);
            double a = output.anomalyScore()[i];
            assertTrue(a >= 0 && a <= 1, "row " + i + " anomaly " + a);
        }
        assertEquals(0, output.solverFailures());
        assertEquals(FIT, output.fitRows());
    }

    @Test
    void theSpikeIsTheMostAnomalousRowAndItsIncidentIsReportedOnce() {
        int argMax = FIT;
        for (int i = FIT; i < ROWS; i++) {
            if (output.rawScore()[i] > output.rawScore()[argMax]) {
                argMax = i;
            }
        }
        assertEquals(SPIKE, argMax, "highest negative log density");
        assertTrue(output.anomalyScore()[SPIKE] > 0.999, "calibrated: " + output.anomalyScore()[SPIKE]);
        // the row after the spike (the filter absorbing it) is inside the incident the spike opened
        assertEquals(0.0, output.anomalyScore()[SPIKE + 1], "rows of an open incident are not new alerts");
    }

    @Test
    void rowsAreScoredBeforeTheDetectorSeesAnythingLater() {
        double[] changedFuture = values.clone();
        for (int i = 300; i < ROWS; i++) {
            changedFuture[i] = -changedFuture[i] * 5; // everything from row 300 on is different
        }
        DetectorOutput other = new LatentOdeDetector(FAST).run(times, changedFuture, FIT);
        for (int i = 0; i < 300; i++) {
            assertEquals(output.rawScore()[i], other.rawScore()[i], "raw score of row " + i);
            assertEquals(output.anomalyScore()[i], other.anomalyScore()[i], "anomaly score of row " + i);
        }
        assertTrue(other.rawScore()[300] != output.rawScore()[300], "row 300 itself did change");
    }

    @Test
    void theSameInputGivesTheSameScores() {
        DetectorOutput again = new LatentOdeDetector(FAST).run(times, values, FIT);
        assertArrayEquals(output.anomalyScore(), again.anomalyScore());
        assertArrayEquals(output.rawScore(), again.rawScore());
    }

    @Test
    void aPureNoiseSeriesIsPredictedWithItsOwnSpreadNotATenthOfIt() {
        // the model can learn nothing but the noise: its one-step predictive must be about the marginal
        // Gaussian's. Before training started the noise at the data, this short fit's median score sat
        // 5.6 nats above it (7.86 against 2.25: a predictive σ of about a fifth of the noise's).
        Random random = new Random(6);
        double sigma = 3.0;
        double[] noise = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            noise[i] = 20 + sigma * random.nextGaussian();
        }
        double[] raw = new LatentOdeDetector(FAST).run(times, noise, FIT).rawScore();
        double[] scored = java.util.Arrays.copyOfRange(raw, FIT, ROWS);
        java.util.Arrays.sort(scored);
        double median = scored[scored.length / 2];
        double marginal = 0.5 * Math.log(2 * Math.PI * sigma * sigma) + 0.5 * 0.4549; // 0.4549: median of χ²₁
        assertEquals(marginal, median, 0.3);
    }

    @Test
    void timestampsThatGoBackOrPauseForHoursKeepTheModelClockRegular() {
        long[] t = {0, STEP, 2 * STEP, STEP, 3 * STEP, 3 * STEP + 100 * STEP};
        long[] clock = LatentOdeDetector.modelClock(t, 4, 12);
        // median gap of the first 4 rows is one STEP. A step back (NAB's repeated daylight-saving hour) is a gap
        // of 0 and the rows after it keep their own cadence; 100 steps of silence become 12
        assertArrayEquals(new long[] {0, STEP, 2 * STEP, 2 * STEP, 4 * STEP, 16 * STEP}, clock);
    }

    @Test
    void badArgumentsAreRejectedWithWhatToDo() {
        LatentOdeDetector detector = new LatentOdeDetector(FAST);
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> detector.run(new long[20], new double[20], 10));
        assertTrue(tooShort.getMessage().contains("fitRows"), tooShort.getMessage());
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> detector.run(new long[20], new double[19], 15));
        assertTrue(lengths.getMessage().contains("timesMillis"), lengths.getMessage());
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> new DetectorSettings(3, 8, 16, 12, 12, 8, 40, 0.01, 1.0, 8, 12, 1e-3, AlertPolicy.defaults(), 3));
        assertTrue(split.getMessage().contains("split"), split.getMessage());
        IllegalArgumentException policy = assertThrows(IllegalArgumentException.class,
                () -> new DetectorSettings(3, 8, 16, 12, 8, 8, 40, 0.01, 1.0, 8, 12, 1e-3, null, 3));
        assertTrue(policy.getMessage().contains("policy"), policy.getMessage());
    }
}
