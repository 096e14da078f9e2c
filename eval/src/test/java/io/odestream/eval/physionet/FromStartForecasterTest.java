package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import org.junit.jupiter.api.Test;

/**
 * The paper's backwards-reading model forecasts one step ahead causally: row k is what it predicts at
 * observation k's time from observations 0..k−1 alone (each prefix read backwards afresh), and row 0,
 * with nothing read, is the training mean.
 */
class FromStartForecasterTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 3, 4, new int[] {5, 5}, new int[] {6}, 1000.0);
    private static final long[] TIMES = {0, 1_000, 2_500, 4_000};
    private final FromStartForecaster forecaster = new FromStartForecaster(LatentOdeModel.create(SPEC, 3), 0);

    @Test
    void rowKIsThePredictionFromTheObservationsBeforeIt() {
        double[][] values = {{0.1, 0.4}, {0.3, Double.NaN}, {0.2, 0.6}, {0.5, 0.5}};
        double[][] oneStep = forecaster.oneStepAhead(TIMES, values);
        assertEquals(TIMES.length, oneStep.length);
        assertArrayEquals(SPEC.channelMean(), oneStep[0], 0.0, "nothing read: the training mean");
        for (int k = 1; k < TIMES.length; k++) {
            double[][] before = java.util.Arrays.copyOf(values, k);
            double[] expected = forecaster.predict(java.util.Arrays.copyOf(TIMES, k), before, new long[] {TIMES[k]})[0];
            assertArrayEquals(expected, oneStep[k], 0.0, "row " + k);
        }
    }

    @Test
    void noRowDependsOnItsOwnOrLaterObservations() {
        double[][] values = {{0.1, 0.4}, {0.3, 0.2}, {0.2, 0.6}, {0.5, 0.5}};
        double[][] changedLast = {{0.1, 0.4}, {0.3, 0.2}, {0.2, 0.6}, {9.0, -9.0}};
        double[][] a = forecaster.oneStepAhead(TIMES, values);
        double[][] b = forecaster.oneStepAhead(TIMES, changedLast);
        for (int k = 0; k < TIMES.length; k++) {
            assertArrayEquals(a[k], b[k], 0.0, "row " + k);
        }
        double[][] changedSecond = {{0.1, 0.4}, {9.0, -9.0}, {0.2, 0.6}, {0.5, 0.5}};
        double[][] c = forecaster.oneStepAhead(TIMES, changedSecond);
        assertArrayEquals(a[1], c[1], 0.0, "row 1 reads observation 0 only");
        assertEquals(false, java.util.Arrays.equals(a[2], c[2]), "row 2 reads observation 1");
    }
}
