package io.odestream.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RNN-Δt: its BPTT gradient is exact, its predictions are causal and agree with the loss's
 * one-step-ahead convention, it learns an irregularly sampled sine better than carrying the last
 * value forward, and it rejects malformed input naming the argument.
 */
class RnnDeltaTTest {
    /** Central-difference step: truncation ~h² and rounding ~ε/h both far below 1e-6 relative. */
    private static final double STEP = 1e-5;
    private static final double MILLIS_PER_UNIT = 1000.0;

    static Stream<Arguments> shapes() {
        // channels, hidden, series lengths, missing fraction, seed
        return Stream.of(Arguments.of(1, 1, new int[] {2}, 0.0, 11L),
                Arguments.of(1, 4, new int[] {5, 3}, 0.2, 12L),
                Arguments.of(2, 3, new int[] {1, 4, 6}, 0.3, 13L),
                Arguments.of(3, 5, new int[] {7}, 0.5, 14L),
                Arguments.of(2, 8, new int[] {3, 3}, 0.0, 15L));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void lossGradientMatchesCentralFiniteDifferences(int channels, int hidden, int[] lengths, double missing,
                                                     long seed) {
        Random random = new Random(seed);
        RnnDeltaT model = RnnDeltaT.create(channels, hidden, MILLIS_PER_UNIT, seed);
        // perturb away from the initialisation so the log-std readout is not near 0 everywhere
        double[] theta = model.parameters().values();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.3 * random.nextGaussian();
        }
        model.parameters().markChanged();
        List<Series> batch = new ArrayList<>();
        for (int length : lengths) {
            batch.add(randomSeries(random, length, channels, missing));
        }
        // make sure some value after a first observation is observed, else the loss is undefined
        batch.get(batch.size() - 1).values()[batch.get(batch.size() - 1).values().length - 1][0] = 0.7;

        double[] gradient = new double[theta.length];
        Arrays.fill(gradient, 1.0); // the loss accumulates: subtract the 1s afterwards
        double loss = model.loss(batch, gradient);
        assertTrue(Double.isFinite(loss), "loss " + loss);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < theta.length; i++) {
            double saved = theta[i];
            theta[i] = saved + STEP;
            model.parameters().markChanged();
            double plus = model.loss(batch, new double[theta.length]);
            theta[i] = saved - STEP;
            model.parameters().markChanged();
            double minus = model.loss(batch, new double[theta.length]);
            theta[i] = saved;
            model.parameters().markChanged();
            double numeric = (plus - minus) / (2 * STEP);
            double analytic = gradient[i] - 1.0;
            diff += (analytic - numeric) * (analytic - numeric);
            norm += numeric * numeric;
        }
        double relative = Math.sqrt(diff / norm);
        System.out.printf("RNN-dt gradient check C=%d H=%d lengths=%s: relative error %.2e%n", channels, hidden,
                Arrays.toString(lengths), relative);
        assertTrue(norm > 0, "the gradient is not identically zero");
        assertTrue(relative < 1e-6, "relative error of the BPTT gradient " + relative);
        assertEquals(loss, model.loss(batch, new double[theta.length]), 0.0, "the loss is a pure function of θ");
    }

    @Test
    void predictionsDependOnlyOnObservationsAtOrBeforeTheQueryTime() {
        Random random = new Random(21);
        RnnDeltaT model = RnnDeltaT.create(2, 6, MILLIS_PER_UNIT, 21);
        Series drawn = randomSeries(random, 12, 2, 0.2);
        long[] t = drawn.timesMillis().clone();
        for (int k = 0; k < t.length; k++) {
            t[k] += k; // strictly increasing, so "after the cut" is unambiguous
        }
        Series series = new Series(t, drawn.values());
        long cut = t[5]; // queries at or before this see observations 0..5 only
        long[] queries = {t[0] - 500, t[0], t[3] + 1, cut, t[11] + 2000};
        double[][] before = model.predict(t, series.values(), queries);

        // rewrite everything after the cut: other values, other (later) times, one more observation
        long[] laterTimes = Arrays.copyOf(t, t.length + 1);
        double[][] laterValues = Arrays.copyOf(series.values(), t.length + 1);
        for (int k = 6; k < laterTimes.length; k++) {
            laterTimes[k] = cut + 1 + 300L * (k - 5);
            laterValues[k] = new double[] {5.0 * random.nextGaussian(), 5.0 * random.nextGaussian()};
        }
        double[][] after = model.predict(laterTimes, laterValues, queries);
        for (int q = 0; q < 4; q++) {
            assertArrayEquals(before[q], after[q], 0.0, "query " + q + " at " + queries[q] + " <= " + cut);
        }
        // not vacuous: a query after the changed observations does see them
        assertFalse(Arrays.equals(before[4], after[4]), "the last query must see the changed observations");
        // and an observation exactly at the query time is included
        double[] atCut = model.predict(Arrays.copyOf(t, 6), Arrays.copyOf(series.values(), 6), new long[] {cut})[0];
        double[] withoutIt = model.predict(Arrays.copyOf(t, 5), Arrays.copyOf(series.values(), 5), new long[] {cut})[0];
        assertArrayEquals(before[3], atCut, 0.0);
        assertFalse(Arrays.equals(atCut, withoutIt), "an observation at the query time is part of the history");
    }

    @Test
    void theLossPredictsEachObservationAsPredictDoesAtItsTime() {
        RnnDeltaT model = RnnDeltaT.create(1, 5, MILLIS_PER_UNIT, 31);
        long[] times = {1_000, 1_700, 3_100};
        double[][] values = {{0.4}, {-0.2}, {Double.NaN}};
        double mean = model.predict(times, values, new long[] {times[2] + 900})[0][0];
        // the Gaussian NLL of a third value at t+900 is symmetric about the predicted mean exactly when
        // the loss reads out the same state as predict; compare the loss at mean ± d
        double d = 0.37;
        long[] withThird = {times[0], times[1], times[2], times[2] + 900};
        double up = model.loss(List.of(new Series(withThird, new double[][] {{0.4}, {-0.2}, {Double.NaN},
                {mean + d}})), new double[model.parameters().size()]);
        double down = model.loss(List.of(new Series(withThird, new double[][] {{0.4}, {-0.2}, {Double.NaN},
                {mean - d}})), new double[model.parameters().size()]);
        double off = model.loss(List.of(new Series(withThird, new double[][] {{0.4}, {-0.2}, {Double.NaN},
                {mean + 2 * d}})), new double[model.parameters().size()]);
        assertEquals(up, down, 1e-12, "NLL at mean ± d");
        assertTrue(off > up + 1e-3, "the NLL grows away from the mean: " + off + " vs " + up);
    }

    @Test
    void oneStepAheadEqualsPredictOnEachPrefixAtTheNextTime() {
        Random random = new Random(35);
        RnnDeltaT model = RnnDeltaT.create(3, 6, MILLIS_PER_UNIT, 35);
        // equal times (zero gaps) and missing channels included
        Series series = randomSeries(random, 14, 3, 0.3);
        long[] t = series.timesMillis();
        double[][] rows = model.oneStepAhead(t, series.values());
        assertEquals(t.length, rows.length);
        assertArrayEquals(model.predict(new long[0], new double[0][], new long[] {t[0]})[0], rows[0], 0.0,
                "row 0 is the readout of the zero state");
        for (int k = 1; k < t.length; k++) {
            double[] prefix = model.predict(Arrays.copyOf(t, k), Arrays.copyOf(series.values(), k),
                    new long[] {t[k]})[0];
            assertArrayEquals(prefix, rows[k], 0.0, "row " + k);
        }
        // not vacuous: the rows differ, and a changed earlier value changes a later row
        assertFalse(Arrays.equals(rows[1], rows[t.length - 1]));
        double[][] changed = Arrays.stream(series.values()).map(double[]::clone).toArray(double[][]::new);
        changed[2][0] = 3.0;
        assertFalse(Arrays.equals(rows[3], model.oneStepAhead(t, changed)[3]));
        assertEquals(0, model.oneStepAhead(new long[0], new double[0][]).length);
        expectNaming("non-decreasing", () -> model.oneStepAhead(new long[] {5, 1}, new double[][] {{1, 2, 3},
                {1, 2, 3}}));
    }

    @Test
    void learnsAnIrregularlySampledNoisySineBetterThanCarryingTheLastValue() {
        List<Series> train = noisySines(new Random(41), 48, 40);
        List<Series> test = noisySines(new Random(42), 16, 40);
        RnnDeltaT model = RnnDeltaT.create(1, 16, MILLIS_PER_UNIT, 43);
        double untrained = oneStepMse(model, test);
        long start = System.nanoTime();
        Trainer.Result result = RnnDeltaT.train(model, train, 200, 16, 0.02, 44, Trainer.ProgressListener.silent());
        double seconds = (System.nanoTime() - start) / 1e9;
        double trained = oneStepMse(model, test);
        double lastValue = lastValueMse(test);
        double ratio = trained / lastValue;
        System.out.printf("RNN-dt sine: untrained MSE %.4f, trained %.4f, last value %.4f, ratio %.3f, "
                + "loss %.3f -> %.3f, %.2f s%n", untrained, trained, lastValue, ratio, result.losses()[0],
                result.finalLoss(), seconds);
        assertTrue(result.finalLoss() < result.losses()[0], "training lowers the NLL");
        assertTrue(ratio < RATIO_BOUND, "one-step MSE " + trained + " vs last value " + lastValue + " (ratio " + ratio
                + ")");
    }

    /** Measured 0.073 here, 0.06–0.12 over five other seeds of data, model and batches. */
    private static final double RATIO_BOUND = 0.2;

    @Test
    void trainingIsDeterministicForASeed() {
        List<Series> data = noisySines(new Random(51), 6, 12);
        RnnDeltaT a = RnnDeltaT.create(1, 4, MILLIS_PER_UNIT, 52);
        RnnDeltaT b = RnnDeltaT.create(1, 4, MILLIS_PER_UNIT, 52);
        double[] lossesA = RnnDeltaT.train(a, data, 5, 3, 0.01, 53, Trainer.ProgressListener.silent()).losses();
        double[] lossesB = RnnDeltaT.train(b, data, 5, 3, 0.01, 53, Trainer.ProgressListener.silent()).losses();
        assertArrayEquals(lossesA, lossesB, 0.0);
        assertArrayEquals(a.parameters().values(), b.parameters().values(), 0.0);
    }

    @Test
    void rejectsMalformedInputNamingTheArgument() {
        RnnDeltaT model = RnnDeltaT.create(2, 3, MILLIS_PER_UNIT, 61);
        long[] times = {0, 1000, 2000};
        double[][] values = {{1, 2}, {3, 4}, {5, 6}};
        long[] queries = {1500};
        expectNaming("timesMillis", () -> model.predict(new long[] {0, 1000}, values, queries));
        expectNaming("non-decreasing", () -> model.predict(new long[] {0, 2000, 1000}, values, queries));
        expectNaming("values[1]", () -> model.predict(times, new double[][] {{1, 2}, {3}, {5, 6}}, queries));
        expectNaming("values[2][0]", () -> model.predict(times,
                new double[][] {{1, 2}, {3, 4}, {Double.POSITIVE_INFINITY, 6}}, queries));
        expectNaming("queryTimesMillis", () -> model.predict(times, values, null));
        Series good = new Series(times, values);
        Series unsorted = new Series(new long[] {0, 2000, 1000}, values);
        double[] gradient = new double[model.parameters().size()];
        expectNaming("batch[1].timesMillis", () -> model.loss(List.of(good, unsorted), gradient));
        expectNaming("gradient", () -> model.loss(List.of(good), new double[3]));
        expectNaming("nothing to predict", () -> model.loss(List.of(new Series(new long[] {5},
                new double[][] {{1, 2}})), gradient));
        expectNaming("channels", () -> RnnDeltaT.create(0, 3, MILLIS_PER_UNIT, 1));
        expectNaming("hidden", () -> RnnDeltaT.create(1, 0, MILLIS_PER_UNIT, 1));
        expectNaming("timeScaleMillis", () -> RnnDeltaT.create(1, 3, 0.0, 1));
        expectNaming("batchSize", () -> RnnDeltaT.train(model, List.of(good), 3, 0, 0.01, 1,
                Trainer.ProgressListener.silent()));
        expectNaming("series", () -> RnnDeltaT.train(model, List.of(), 3, 2, 0.01, 1,
                Trainer.ProgressListener.silent()));
    }

    private static void expectNaming(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should name " + fragment);
    }

    /** Sorted times with gaps of 0–2 s (some equal times), N(0,1) values, NaN with probability {@code missing}. */
    private static Series randomSeries(Random random, int length, int channels, double missing) {
        long[] times = new long[length];
        double[][] values = new double[length][channels];
        long t = 10_000L * random.nextInt(100);
        for (int k = 0; k < length; k++) {
            if (k > 0) {
                t += random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(2000);
            }
            times[k] = t;
            for (int j = 0; j < channels; j++) {
                values[k][j] = random.nextDouble() < missing ? Double.NaN : random.nextGaussian();
            }
        }
        return new Series(times, values);
    }

    /**
     * sin(2π t / 6 s + φ) with a random phase per series, noise std 0.1, sampled at gaps of
     * 0.2 s plus an exponential with mean 0.8 s (so the next value depends on the gap).
     */
    private static List<Series> noisySines(Random random, int count, int length) {
        List<Series> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double phase = 2 * Math.PI * random.nextDouble();
            long[] times = new long[length];
            double[][] values = new double[length][1];
            long t = 0;
            for (int k = 0; k < length; k++) {
                if (k > 0) {
                    t += 200 + (long) (-800.0 * Math.log(1.0 - random.nextDouble()));
                }
                times[k] = t;
                values[k][0] = Math.sin(2 * Math.PI * t / 6000.0 + phase) + 0.1 * random.nextGaussian();
            }
            out.add(new Series(times, values));
        }
        return out;
    }

    /** Mean squared error of predicting observation k at t_k from observations 0..k−1, over k >= 1. */
    private static double oneStepMse(RnnDeltaT model, List<Series> data) {
        double sum = 0;
        long n = 0;
        for (Series s : data) {
            long[] t = s.timesMillis();
            for (int k = 1; k < t.length; k++) {
                double mean = model.predict(Arrays.copyOf(t, k), Arrays.copyOf(s.values(), k), new long[] {t[k]})[0][0];
                double e = s.values()[k][0] - mean;
                sum += e * e;
                n++;
            }
        }
        return sum / n;
    }

    private static double lastValueMse(List<Series> data) {
        double sum = 0;
        long n = 0;
        for (Series s : data) {
            for (int k = 1; k < s.values().length; k++) {
                double e = s.values()[k][0] - s.values()[k - 1][0];
                sum += e * e;
                n++;
            }
        }
        return sum / n;
    }
}
