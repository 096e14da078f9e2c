package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decay skip's rules (ode-core {@code ObservationSkip}, fitted by {@link SkippedForecaster}) on stays whose law is known: one channel that reverts to its mean
 * (an Ornstein–Uhlenbeck process, sampled at irregular gaps of 0.5 to 20 hours), so the best
 * forecast is the last value decayed toward the mean, more the older the value is.
 */
class SkippedForecasterTest {
    private static final long HOUR = 3_600_000L;
    private static final double MEAN = 0.5;
    /** Mean reversion per hour: a value 6 h old keeps e^{-0.6} ≈ 55 % of its deviation. */
    private static final double RATE = 0.1;

    static List<Series> meanRevertingStays(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Series> stays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = 12;
            long[] t = new long[n];
            double[][] x = new double[n][1];
            double value = MEAN + 0.2 * random.nextGaussian();
            long now = 0;
            for (int k = 0; k < n; k++) {
                long gap = k == 0 ? 0 : (long) ((0.5 + random.nextDouble() * 19.5) * HOUR);
                now += gap;
                double keep = Math.exp(-RATE * gap / HOUR);
                value = MEAN + keep * (value - MEAN) + 0.2 * Math.sqrt(1 - keep * keep) * random.nextGaussian();
                t[k] = now;
                x[k][0] = value;
            }
            stays.add(new Series(t, x));
        }
        return stays;
    }

    private static double[] mse(SequenceForecaster model, List<Series> stays) {
        return new double[] {ForecastMse.interpolation(model, stays).mse(),
            ForecastMse.extrapolation(model, stays, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS).mse()};
    }

    @Test
    void theDecayAloneBeatsLastValueOnAMeanRevertingChannelAndDecaysMoreForOlderValues() {
        List<Series> train = meanRevertingStays(400, 1);
        List<Series> test = meanRevertingStays(200, 2);
        SkippedForecaster decay = SkippedForecaster.fitAround(null, train, 1, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        LastValueForecaster last = LastValueForecaster.fromTraining(train, 1);

        double[] decayed = mse(decay, test);
        double[] carried = mse(last, test);
        assertTrue(decayed[0] < 0.9 * carried[0], Arrays.toString(decayed) + " vs " + Arrays.toString(carried));
        assertTrue(decayed[1] < 0.9 * carried[1], Arrays.toString(decayed) + " vs " + Arrays.toString(carried));

        // a: what is kept of the last value; it falls with the value's age (bins 0..5 = up to 1.5 h .. over 24 h)
        double young = decay.skip().coefficients(0, 0)[0];
        double old = decay.skip().coefficients(0, 4)[0];
        assertTrue(young > 0.85 && old < 0.6 && old < young, "a young " + young + ", old " + old);
        // and the rest goes to the channel's mean: c ≈ (1 − a)·mean
        double[] middle = decay.skip().coefficients(0, 3);
        assertEquals((1 - middle[0]) * MEAN, middle[2], 0.05, Arrays.toString(middle));
    }

    @Test
    void aModelThatKnowsTheAnswerIsTrustedAndOneThatIsNoiseIsIgnored() {
        List<Series> train = meanRevertingStays(300, 3);
        List<Series> test = meanRevertingStays(100, 4);
        // forecasts each observation's true value (it reads the future: only a test can have it)
        SequenceForecaster clairvoyant = SequenceForecaster.of((t, x) -> x.clone(), (t, x, q) -> {
            throw new AssertionError("not used");
        });
        SequenceForecaster seer = new SequenceForecaster() {
            @Override
            public double[][] oneStepAhead(long[] t, double[][] x) {
                return clairvoyant.oneStepAhead(t, x);
            }

            @Override
            public double[][] predict(long[] t, double[][] x, long[] q) {
                double[][] out = new double[q.length][1];
                for (double[] row : out) {
                    row[0] = MEAN;
                }
                return out;
            }
        };
        SkippedForecaster trusting = SkippedForecaster.fitAround(seer, train, 1, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        SkippedForecaster decay = SkippedForecaster.fitAround(null, train, 1, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        double[] beta = trusting.skip().coefficients(0, 2);
        // the ridge toward last-value keeps a little of the last value; the model takes most of the weight
        assertTrue(beta[1] > 0.8 && beta[0] < 0.2, "a, b, c: " + Arrays.toString(beta));
        double decayMse = ForecastMse.interpolation(decay, test).mse();
        assertTrue(ForecastMse.interpolation(trusting, test).mse() < 0.1 * decayMse);

        SplittableRandom random = new SplittableRandom(5);
        SequenceForecaster noise = SequenceForecaster.of((t, x) -> {
            double[][] out = new double[t.length][1];
            for (double[] row : out) {
                row[0] = random.nextDouble();
            }
            return out;
        }, (t, x, q) -> new double[q.length][1]);
        SkippedForecaster sceptic = SkippedForecaster.fitAround(noise, train, 1, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        assertEquals(0.0, sceptic.skip().coefficients(0, 2)[1], 0.05);
        assertEquals(decayMse, ForecastMse.interpolation(sceptic, test).mse(), 0.05 * decayMse);
    }

    @Test
    void anAgeNoTrainingValueHadStaysAtLastValue() {
        // every gap is under 1.5 h: the bins of older values see no data and keep a = 1, b = c = 0
        List<Series> train = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < 50; i++) {
            long[] t = new long[10];
            double[][] x = new double[10][1];
            for (int k = 0; k < 10; k++) {
                t[k] = k * HOUR;
                x[k][0] = random.nextDouble();
            }
            train.add(new Series(t, x));
        }
        SkippedForecaster skip = SkippedForecaster.fitAround(null, train, 1, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        assertArrayEquals(new double[] {1, 0, 0}, skip.skip().coefficients(0, 5), 1e-12);
    }

    @Test
    void theCalibratedSpreadCoversAboutNinetyPercentOnStaysLikeTheTrainingOnes() {
        SkippedForecaster decay = SkippedForecaster.fitAround(null, meanRevertingStays(400, 7), 1,
                ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        IntervalCalibration.Result calibration = IntervalCalibration.oneStepAhead(decay, meanRevertingStays(300, 8));
        assertEquals(0.90, calibration.coverage90(), 0.03, calibration.toString());
        assertTrue(calibration.pitDeviation() < 0.05, calibration.toString());
    }
}
