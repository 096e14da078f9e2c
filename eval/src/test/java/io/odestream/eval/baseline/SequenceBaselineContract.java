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
import org.junit.jupiter.api.Test;

/**
 * What every {@link SequenceBaseline} must do whatever its recurrence: its predictions are causal
 * and agree with the loss's one-step-ahead convention, training is deterministic for a seed, and
 * malformed series and batches are rejected naming the argument. A baseline's test extends this
 * and keeps its own gradient check (through the shared {@link #checkLossGradient}), its own
 * learning test and the checks of its own settings.
 */
abstract class SequenceBaselineContract<M extends SequenceBaseline> {
    static final double MILLIS_PER_UNIT = 1000.0;

    /** A freshly initialised model of the kind under test, with {@link #MILLIS_PER_UNIT} as its time scale. */
    abstract M model(int channels, int hidden, long seed);

    /** The baseline's own static {@code train}, silently. */
    abstract Trainer.Result train(M model, List<Series> series, int iterations, int batchSize, double lr, long seed);

    @Test
    void predictionsDependOnlyOnObservationsAtOrBeforeTheQueryTime() {
        Random random = new Random(21);
        M model = model(2, 6, 21);
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
        // an observation exactly at the query time is included
        double[] atCut = model.predict(Arrays.copyOf(t, 6), Arrays.copyOf(series.values(), 6), new long[] {cut})[0];
        double[] withoutIt = model.predict(Arrays.copyOf(t, 5), Arrays.copyOf(series.values(), 5), new long[] {cut})[0];
        assertArrayEquals(before[3], atCut, 0.0);
        assertFalse(Arrays.equals(atCut, withoutIt), "an observation at the query time is part of the history");
        // and time matters between observations: later queries differ
        double[] later = model.predict(t, series.values(), new long[] {cut + 700})[0];
        assertFalse(Arrays.equals(atCut, later), "the state moves between observations");
    }

    @Test
    void oneStepAheadEqualsPredictOnEachPrefixAtTheNextTime() {
        Random random = new Random(35);
        M model = model(3, 6, 35);
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
    }

    @Test
    void theLossPredictsEachObservationAsPredictDoesAtItsTime() {
        M model = model(1, 5, 31);
        long[] times = {1_000, 1_700, 3_100};
        double[][] values = {{0.4}, {-0.2}, {Double.NaN}};
        double mean = model.predict(times, values, new long[] {times[2] + 900})[0][0];
        // the Gaussian NLL of a fourth value at t+900 is symmetric about the predicted mean exactly
        // when the loss reads out the same state as predict; compare the loss at mean ± d
        double d = 0.37;
        long[] withFourth = {times[0], times[1], times[2], times[2] + 900};
        double up = lossWithFourth(model, withFourth, mean + d);
        double down = lossWithFourth(model, withFourth, mean - d);
        double off = lossWithFourth(model, withFourth, mean + 2 * d);
        assertEquals(up, down, 1e-12, "NLL at mean ± d");
        assertTrue(off > up + 1e-3, "the NLL grows away from the mean: " + off + " vs " + up);
    }

    private static double lossWithFourth(SequenceBaseline model, long[] times, double fourth) {
        return model.loss(List.of(new Series(times, new double[][] {{0.4}, {-0.2}, {Double.NaN}, {fourth}})),
                new double[model.parameters().size()]);
    }

    @Test
    void trainingIsDeterministicForASeed() {
        List<Series> data = noisySines(new Random(51), 6, 12);
        M a = model(1, 4, 52);
        M b = model(1, 4, 52);
        double[] lossesA = train(a, data, 5, 3, 0.01, 53).losses();
        double[] lossesB = train(b, data, 5, 3, 0.01, 53).losses();
        assertArrayEquals(lossesA, lossesB, 0.0);
        assertArrayEquals(a.parameters().values(), b.parameters().values(), 0.0);
        assertFalse(Arrays.equals(a.parameters().values(), model(1, 4, 52).parameters().values()),
                "training moved the parameters");
    }

    @Test
    void rejectsMalformedSeriesAndBatchesNamingTheArgument() {
        M model = model(2, 3, 61);
        long[] times = {0, 1000, 2000};
        double[][] values = {{1, 2}, {3, 4}, {5, 6}};
        long[] queries = {1500};
        expectNaming("timesMillis", () -> model.predict(new long[] {0, 1000}, values, queries));
        expectNaming("timesMillis", () -> model.predict(null, values, queries));
        expectNaming("non-decreasing", () -> model.predict(new long[] {0, 2000, 1000}, values, queries));
        expectNaming("non-decreasing", () -> model.oneStepAhead(new long[] {0, 2000, 1000}, values));
        expectNaming("values[1]", () -> model.predict(times, new double[][] {{1, 2}, {3}, {5, 6}}, queries));
        expectNaming("values[1]", () -> model.oneStepAhead(times, new double[][] {{1, 2}, null, {5, 6}}));
        expectNaming("values[2][0]", () -> model.predict(times,
                new double[][] {{1, 2}, {3, 4}, {Double.POSITIVE_INFINITY, 6}}, queries));
        expectNaming("queryTimesMillis", () -> model.predict(times, values, null));
        Series good = new Series(times, values);
        Series unsorted = new Series(new long[] {0, 2000, 1000}, values);
        double[] gradient = new double[model.parameters().size()];
        expectNaming("batch[1].timesMillis", () -> model.loss(List.of(good, unsorted), gradient));
        expectNaming("batch", () -> model.loss(null, gradient));
        expectNaming("gradient", () -> model.loss(List.of(good), new double[3]));
        expectNaming("nothing to predict", () -> model.loss(List.of(new Series(new long[] {5},
                new double[][] {{1, 2}})), gradient));
        expectNaming("model", () -> train(null, List.of(good), 3, 2, 0.01, 1));
        expectNaming("batchSize", () -> train(model, List.of(good), 3, 0, 0.01, 1));
        expectNaming("series", () -> train(model, List.of(), 3, 2, 0.01, 1));
    }

    /** The relative error of the analytic loss gradient against central differences, and the latter. */
    record GradientCheck(double relativeError, double[] numeric) {
        double norm(int from, int to) {
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += numeric[i] * numeric[i];
            }
            return Math.sqrt(sum);
        }
    }

    /**
     * Perturbs the model's parameters, draws a batch of {@code lengths} random series and compares
     * the loss gradient with central differences of step {@code step}; asserts the loss is finite
     * and a pure function of θ.
     */
    static GradientCheck checkLossGradient(SequenceBaseline model, Random random, int[] lengths, double missing,
                                           double step) {
        // perturb away from the initialisation so the log-std readout is not near 0 everywhere
        double[] theta = model.parameters().values();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.3 * random.nextGaussian();
        }
        model.parameters().markChanged();
        List<Series> batch = new ArrayList<>();
        for (int length : lengths) {
            batch.add(randomSeries(random, length, model.channels(), missing));
        }
        // make sure some value after a first observation is observed, else the loss is undefined
        Series last = batch.get(batch.size() - 1);
        last.values()[last.values().length - 1][0] = 0.7;

        double[] gradient = new double[theta.length];
        Arrays.fill(gradient, 1.0); // the loss accumulates: subtract the 1s afterwards
        double loss = model.loss(batch, gradient);
        assertTrue(Double.isFinite(loss), "loss " + loss);
        double[] numeric = new double[theta.length];
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < theta.length; i++) {
            double saved = theta[i];
            theta[i] = saved + step;
            model.parameters().markChanged();
            double plus = model.loss(batch, new double[theta.length]);
            theta[i] = saved - step;
            model.parameters().markChanged();
            double minus = model.loss(batch, new double[theta.length]);
            theta[i] = saved;
            model.parameters().markChanged();
            numeric[i] = (plus - minus) / (2 * step);
            double analytic = gradient[i] - 1.0;
            diff += (analytic - numeric[i]) * (analytic - numeric[i]);
            norm += numeric[i] * numeric[i];
        }
        assertEquals(loss, model.loss(batch, new double[theta.length]), 0.0, "the loss is a pure function of θ");
        return new GradientCheck(Math.sqrt(diff / norm), numeric);
    }

    /** Before and after training on noisy sines, against carrying the last value forward. */
    record SineFit(double untrainedMse, double trainedMse, double lastValueMse, Trainer.Result result,
                   double seconds) {
        double ratio() {
            return trainedMse / lastValueMse;
        }
    }

    /** Trains on 48 noisy sines of {@code length} observations and scores one step ahead on 16 others. */
    SineFit fitNoisySines(M model, int length, int iterations, int batchSize) {
        List<Series> train = noisySines(new Random(41), 48, length);
        List<Series> test = noisySines(new Random(42), 16, length);
        double untrained = oneStepMse(model, test);
        long start = System.nanoTime();
        Trainer.Result result = train(model, train, iterations, batchSize, 0.02, 44);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new SineFit(untrained, oneStepMse(model, test), lastValueMse(test), result, seconds);
    }

    static void expectNaming(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should name " + fragment);
    }

    /** Sorted times with gaps of 0–2 s (some equal times), N(0,1) values, NaN with probability {@code missing}. */
    static Series randomSeries(Random random, int length, int channels, double missing) {
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
    static List<Series> noisySines(Random random, int count, int length) {
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

    /** Mean squared error of the one-step-ahead prediction of observation k, over k >= 1. */
    static double oneStepMse(SequenceBaseline model, List<Series> data) {
        double sum = 0;
        long n = 0;
        for (Series s : data) {
            double[][] predicted = model.oneStepAhead(s.timesMillis(), s.values());
            for (int k = 1; k < predicted.length; k++) {
                double e = s.values()[k][0] - predicted[k][0];
                sum += e * e;
                n++;
            }
        }
        return sum / n;
    }

    static double lastValueMse(List<Series> data) {
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
