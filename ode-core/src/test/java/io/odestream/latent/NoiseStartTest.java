package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.Activation;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LatentOdeTraining#startNoiseAtTheData}: training starts each channel's observation noise
 * at the noise its steps show, in normalised units, not at a tenth of the data's spread.
 */
class NoiseStartTest {
    static final int ROWS = 4000;

    @Test
    void whiteNoiseStartsAtItsOwnSpread() {
        Random random = new Random(1);
        double[][] v = new double[ROWS][1];
        for (int i = 0; i < ROWS; i++) {
            v[i][0] = 5 + 2 * random.nextGaussian();
        }
        LatentOdeModel model = started(v);
        // normalised by its own std (~2): the noise is ~1, where LatentOdeModel.create starts at 0.1
        assertEquals(1.0, model.noiseSigma(0), 0.05);
    }

    @Test
    void aSlowSignalWithSmallNoiseStartsAtTheNoiseNotAtTheSignalsSpread() {
        Random random = new Random(2);
        double[][] v = new double[ROWS][1];
        for (int i = 0; i < ROWS; i++) {
            v[i][0] = 10 * Math.sin(2 * Math.PI * i / 2000.0) + 0.5 * random.nextGaussian();
        }
        LatentOdeModel model = started(v);
        double std = model.spec().channelStd()[0]; // ~7.1
        assertEquals(0.5 / std, model.noiseSigma(0), 0.05 * 0.5 / std);
    }

    @Test
    void missingValuesAreSteppedOverAndEachChannelStartsOnItsOwn() {
        double[][] v = new double[ROWS][2];
        for (int i = 0; i < ROWS; i++) {
            v[i][0] = i % 2 == 0 ? 0 : 2; // steps of ±2 around a std of 1: noise √2
            v[i][1] = i % 3 == 1 ? Double.NaN : (i % 3 == 0 ? 0 : 2); // observed 0, 2, 0, 2, …: the same steps
        }
        LatentOdeModel model = started(v);
        assertEquals(Math.sqrt(2), model.noiseSigma(0), 1e-3);
        assertEquals(Math.sqrt(2), model.noiseSigma(1), 1e-3);
    }

    @Test
    void aConstantChannelStartsAtTheLeastNoise() {
        double[][] v = new double[100][1];
        for (double[] row : v) {
            row[0] = 3.0;
        }
        assertEquals(LatentOdeTraining.MIN_START_NOISE, started(v).noiseSigma(0), 1e-15);
    }

    @Test
    void aChannelWithoutTwoObservedValuesInOneSeriesSaysSo() {
        double[][] v = new double[10][2];
        for (int i = 0; i < v.length; i++) {
            v[i][0] = i;
            v[i][1] = i == 3 || i == 7 ? i : Double.NaN; // two observed values, missing ones between: one step
        }
        started(v);

        // the same two values, one in each of two series: normalisation has them, but no step exists
        double[][] first = {{0, 0}, {1, Double.NaN}, {2, Double.NaN}};
        double[][] second = {{3, Double.NaN}, {4, 7}, {5, Double.NaN}};
        List<LatentOdeTraining.Series> data = List.of(new LatentOdeTraining.Series(new long[] {0, 1000, 2000}, first),
                new LatentOdeTraining.Series(new long[] {0, 1000, 2000}, second));
        LatentOdeModel model = LatentOdeModel.create(LatentOdeTraining.normalisedFor(spec(2), data), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LatentOdeTraining.startNoiseAtTheData(model, data));
        assertTrue(e.getMessage().contains("channel 1 has no two consecutive observed values"), e.getMessage());
    }

    /** A small model normalised for {@code values} (one row a second), its noise started at the data. */
    static LatentOdeModel started(double[][] values) {
        long[] t = new long[values.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = 1000L * i;
        }
        List<LatentOdeTraining.Series> data = List.of(new LatentOdeTraining.Series(t, values));
        LatentOdeModel model = LatentOdeModel.create(LatentOdeTraining.normalisedFor(spec(values[0].length), data), 1);
        assertEquals(0.1, model.noiseSigma(0), 1e-12); // where create starts it
        LatentOdeTraining.startNoiseAtTheData(model, data);
        return model;
    }

    static LatentOdeSpec spec(int channels) {
        double[] ones = new double[channels];
        Arrays.fill(ones, 1);
        return new LatentOdeSpec(1, channels, 2, 4, new int[] {8}, new int[] {8}, Activation.TANH, 1000, "dopri5",
                1e-3, 1e-5, new double[channels], ones);
    }
}
