package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Last observed value per channel; the training mean until a channel is first seen. */
class LastValueForecasterTest {
    private static final double NAN = Double.NaN;

    @Test
    void carriesEachChannelForwardAndFallsBackToTheTrainingMean() {
        List<Series> train = List.of(new Series(new long[] {0, 1}, new double[][] {{0.2, 0.1}, {0.4, 0.5}}));
        LastValueForecaster last = LastValueForecaster.fromTraining(train, 2);
        long[] t = {0, 10, 20};
        double[][] x = {{0.9, NAN}, {NAN, 0.7}, {0.1, 0.2}};

        double[][] forecast = last.oneStepAhead(t, x);

        assertArrayEquals(new double[] {0.3, 0.3}, forecast[0], 1e-15);
        assertArrayEquals(new double[] {0.9, 0.3}, forecast[1], 1e-15);
        assertArrayEquals(new double[] {0.9, 0.7}, forecast[2], 1e-15);
        double[][] later = last.predict(new long[] {0, 10}, new double[][] {x[0], x[1]}, new long[] {30, 40});
        assertArrayEquals(new double[] {0.9, 0.7}, later[0], 1e-15);
        assertArrayEquals(new double[] {0.9, 0.7}, later[1], 1e-15);
        assertArrayEquals(new double[] {0.3, 0.3}, last.predict(new long[0], new double[0][], new long[] {5})[0],
                1e-15);
        // interpolation MSE on this stay: (0.9-0.3)... only k >= 1 counts: (0.7-0.3)^2, (0.1-0.9)^2, (0.2-0.7)^2
        double expected = (0.16 + 0.64 + 0.25) / 3;
        assertEquals(expected, ForecastMse.interpolation(last, List.of(new Series(t, x))).mse(), 1e-15);
    }
}
