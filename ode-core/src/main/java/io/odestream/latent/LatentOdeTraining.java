package io.odestream.latent;

import io.odestream.train.Adam;
import io.odestream.train.LearningRateSchedule;
import io.odestream.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a latent ODE on irregularly sampled series: the per-channel normalisation is learned
 * from the data first, then minibatches of windows (a context of {@code split} observations and a
 * horizon after it, cut at random places of randomly chosen series) drive Adam on the ELBO.
 *
 * <p>A spread of gaps: with {@code maxStride} S &gt; 1 each window takes every s-th observation of its
 * stretch, s drawn uniformly from 1..S (as far as the series is long enough), so a model trained on
 * data sampled every second also learns gaps and horizons up to S times longer. How far that reaches
 * is measured by {@link #trainedHorizon} and recorded in the spec ({@link LatentOdeSpec#horizon()}),
 * beyond which the filter does not trust the model's dynamics ({@link ForecastLimits}).
 */
public final class LatentOdeTraining {

    /** One series: epoch-ms times (non-decreasing) and values[k][channel] in data units, NaN = missing. */
    public record Series(long[] timesMillis, double[][] values) {
        public Series {
            if (timesMillis.length != values.length) {
                throw new IllegalArgumentException("a series needs one value row per time: " + timesMillis.length
                        + " times, " + values.length + " rows");
            }
        }
    }

    /**
     * @param windowLength observations per training window
     * @param split        context observations of a window (the rest is the horizon)
     * @param batchSize    windows per iteration
     * @param iterations   Adam iterations
     * @param learningRate initial rate (decays tenfold over the run)
     * @param klWeight     β of the KL term
     * @param seed         windows and noise
     * @param maxStride    S ≥ 1: a window takes every s-th observation, s uniform in 1..S (1: consecutive
     *                     observations only, as before the spread of gaps existed)
     */
    public record Config(int windowLength, int split, int batchSize, int iterations, double learningRate,
                         double klWeight, long seed, int maxStride) {
        public Config {
            if (maxStride < 1) {
                throw new IllegalArgumentException("maxStride must be >= 1, got " + maxStride);
            }
        }

        /** Consecutive observations only (stride 1). */
        public Config(int windowLength, int split, int batchSize, int iterations, double learningRate,
                      double klWeight, long seed) {
            this(windowLength, split, batchSize, iterations, learningRate, klWeight, seed, 1);
        }
    }

    /** Share of the forecast spans at the largest stride that the recorded horizon covers. */
    static final double HORIZON_QUANTILE = 0.9;

    /** The least noise {@link #startNoiseAtTheData} starts a channel at (normalised units): a constant channel's. */
    static final double MIN_START_NOISE = 1e-3;

    private LatentOdeTraining() {
    }

    /** {@code spec} with per-channel mean and std of the finite values in {@code data}. */
    public static LatentOdeSpec normalisedFor(LatentOdeSpec spec, List<Series> data) {
        int c = spec.channels();
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        long[] count = new long[c];
        for (Series s : data) {
            for (double[] row : s.values()) {
                if (row.length != c) {
                    throw new IllegalArgumentException("a series row has " + row.length + " values, the model has "
                            + c + " channels");
                }
                for (int j = 0; j < c; j++) {
                    if (Double.isFinite(row[j])) {
                        sum[j] += row[j];
                        sumSq[j] += row[j] * row[j];
                        count[j]++;
                    }
                }
            }
        }
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int j = 0; j < c; j++) {
            if (count[j] < 2) {
                throw new IllegalArgumentException("channel " + j + " has " + count[j] + " observed values; "
                        + "normalisation needs at least 2");
            }
            mean[j] = sum[j] / count[j];
            std[j] = Math.sqrt(Math.max(sumSq[j] / count[j] - mean[j] * mean[j], 0));
            if (!(std[j] > 0)) {
                std[j] = 1; // a constant channel: centre it, leave its scale alone
            }
        }
        return spec.withNormalisation(mean, std);
    }

    /**
     * Starts each channel's observation noise where the data puts it, instead of the tenth of the
     * data's spread {@link LatentOdeModel#create} starts it at: the root mean square of the
     * normalised steps between consecutive observed values, over √2 — the noise of a channel that is
     * white noise around a slow signal, a step's noise for a random walk — at least
     * {@value #MIN_START_NOISE}. Why: Adam moves a parameter by at most about its learning rate per
     * iteration, so a short fit (the NAB detector's 150 iterations at 0.01, decaying tenfold, move
     * log σ by at most ~0.6) cannot climb from 0.1 to a noisy channel's ~1 and serves a predictive
     * several times too narrow (on NAB's pure-noise series, 8.4 nats per row in sample against the
     * marginal Gaussian's 2.3).
     *
     * @param model a model whose spec carries {@code data}'s normalisation ({@link #normalisedFor})
     * @throws IllegalArgumentException when a channel has no two consecutive observed values
     */
    public static void startNoiseAtTheData(LatentOdeModel model, List<Series> data) {
        LatentOdeSpec spec = model.spec();
        int c = spec.channels();
        for (int j = 0; j < c; j++) {
            double scale = spec.std(j);
            double sumSq = 0;
            long steps = 0;
            for (Series s : data) {
                double previous = Double.NaN;
                for (double[] row : s.values()) {
                    double v = row[j];
                    if (!Double.isFinite(v)) {
                        continue; // a step spans the missing value: the next observed one follows the last
                    }
                    if (Double.isFinite(previous)) {
                        double step = (v - previous) / scale;
                        sumSq += step * step;
                        steps++;
                    }
                    previous = v;
                }
            }
            if (steps == 0) {
                throw new IllegalArgumentException("channel " + j + " has no two consecutive observed values to start "
                        + "its noise from");
            }
            model.setNoiseSigma(j, Math.max(MIN_START_NOISE, Math.sqrt(sumSq / steps / 2)));
        }
    }

    public static Trainer.Result train(LatentOdeModel model, List<Series> data, Config config,
                                       Trainer.ProgressListener listener) {
        LatentOdeElbo elbo = new LatentOdeElbo(model, config.klWeight());
        SplittableRandom random = new SplittableRandom(config.seed());
        List<Series> usable = data.stream().filter(s -> s.timesMillis().length >= config.windowLength()).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no series has " + config.windowLength() + " observations for a window");
        }
        Trainer trainer = new Trainer(new Trainer.Config(config.iterations(), Adam.defaults(),
                LearningRateSchedule.exponential(config.learningRate(), 0.1, config.iterations()), 10.0, listener));
        return trainer.train(model.parameters().values(), (iteration, gradient) -> {
            model.parametersChanged();
            LatentOdeElbo.Batch batch = sample(model.spec(), usable, config, random);
            LatentOdeElbo.Result r = elbo.evaluate(batch, random.nextLong(), gradient);
            return new Trainer.Evaluation(r.loss(), r.forwardEvaluations(), r.backwardEvaluations());
        });
    }

    /**
     * The mean loss over {@code batches} fixed minibatches of {@code data} (same windows and noise
     * for the same seed): a validation score that is comparable between evaluations.
     */
    public static double validationLoss(LatentOdeModel model, List<Series> data, Config config, int batches, long seed) {
        model.parametersChanged();
        LatentOdeElbo elbo = new LatentOdeElbo(model, config.klWeight());
        SplittableRandom random = new SplittableRandom(seed);
        List<Series> usable = data.stream().filter(s -> s.timesMillis().length >= config.windowLength()).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no validation series has " + config.windowLength() + " observations");
        }
        double[] scratch = new double[model.parameters().size()];
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            sum += elbo.evaluate(sample(model.spec(), usable, config, random), random.nextLong(), scratch).loss();
        }
        return sum / batches;
    }

    /**
     * The forecast horizon {@code config}'s windows train, in model units: over every window of the
     * data at the largest stride each series allows (at most S), the span from its last context
     * observation to its last observation; the {@value #HORIZON_QUANTILE} quantile of those spans.
     *
     * @throws IllegalArgumentException when no series has a window's worth of observations
     */
    public static double trainedHorizon(LatentOdeSpec spec, List<Series> data, Config config) {
        int n = config.windowLength();
        List<Double> spans = new ArrayList<>();
        for (Series s : data) {
            long[] t = s.timesMillis();
            if (t.length < n) {
                continue;
            }
            int stride = Math.min(config.maxStride(), (t.length - 1) / (n - 1));
            for (int start = 0; start + (n - 1) * stride < t.length; start++) {
                long span = t[start + (n - 1) * stride] - t[start + (config.split() - 1) * stride];
                spans.add(span / spec.timeUnitMillis());
            }
        }
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("no series has " + n + " observations for a window");
        }
        spans.sort(null);
        double horizon = spans.get((int) Math.min(spans.size() - 1, Math.floor(HORIZON_QUANTILE * spans.size())));
        return horizon > 0 ? horizon : Math.ulp(1.0); // windows of simultaneous observations still span > 0
    }

    /** Random windows, in model time relative to each window's first observation, normalised. */
    static LatentOdeElbo.Batch sample(LatentOdeSpec spec, List<Series> data, Config config, SplittableRandom random) {
        int w = config.batchSize();
        int n = config.windowLength();
        List<Series> chosen = new ArrayList<>(w);
        int[] starts = new int[w];
        int[] strides = new int[w];
        for (int r = 0; r < w; r++) {
            Series s = data.get(random.nextInt(data.size()));
            chosen.add(s);
            int length = s.timesMillis().length;
            // (stride 1 draws nothing more, so windows are what they were before the spread of gaps)
            strides[r] = config.maxStride() == 1 ? 1
                    : 1 + random.nextInt(Math.min(config.maxStride(), (length - 1) / (n - 1)));
            starts[r] = random.nextInt(length - (n - 1) * strides[r]);
        }
        return batchOf(spec, chosen, starts, strides, n, config.split());
    }

    /**
     * Stretches of {@code length} observations as an ELBO batch, row r from {@code series.get(r)} at
     * {@code starts[r]}: time relative to the stretch's first observation in the model's time unit,
     * values normalised with the spec's channel mean and std (NaN = not observed), mask 1 where observed.
     */
    public static LatentOdeElbo.Batch batchOf(LatentOdeSpec spec, List<Series> series, int[] starts, int length,
                                              int split) {
        int[] strides = new int[series.size()];
        java.util.Arrays.fill(strides, 1);
        return batchOf(spec, series, starts, strides, length, split);
    }

    /** As the other {@code batchOf}, row r taking every {@code strides[r]}-th observation from its start. */
    public static LatentOdeElbo.Batch batchOf(LatentOdeSpec spec, List<Series> series, int[] starts, int[] strides,
                                              int length, int split) {
        int w = series.size();
        int c = spec.channels();
        double[][] times = new double[w][length];
        double[][][] values = new double[w][length][c];
        double[][][] mask = new double[w][length][c];
        for (int r = 0; r < w; r++) {
            Series s = series.get(r);
            int start = starts[r];
            int stride = strides[r];
            long origin = s.timesMillis()[start];
            for (int k = 0; k < length; k++) {
                int at = start + k * stride;
                times[r][k] = (s.timesMillis()[at] - origin) / spec.timeUnitMillis();
                for (int j = 0; j < c; j++) {
                    double v = s.values()[at][j];
                    boolean observed = Double.isFinite(v);
                    mask[r][k][j] = observed ? 1 : 0;
                    values[r][k][j] = observed ? (v - spec.mean(j)) / spec.std(j) : 0;
                }
            }
        }
        return new LatentOdeElbo.Batch(times, values, mask, split);
    }
}
