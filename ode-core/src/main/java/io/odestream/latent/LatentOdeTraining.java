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
     */
    public record Config(int windowLength, int split, int batchSize, int iterations, double learningRate,
                         double klWeight, long seed) {
    }

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

    /** Random windows, in model time relative to each window's first observation, normalised. */
    static LatentOdeElbo.Batch sample(LatentOdeSpec spec, List<Series> data, Config config, SplittableRandom random) {
        int w = config.batchSize();
        int n = config.windowLength();
        List<Series> chosen = new ArrayList<>(w);
        int[] starts = new int[w];
        for (int r = 0; r < w; r++) {
            Series s = data.get(random.nextInt(data.size()));
            chosen.add(s);
            starts[r] = random.nextInt(s.timesMillis().length - n + 1);
        }
        return batchOf(spec, chosen, starts, n, config.split());
    }

    /**
     * Stretches of {@code length} observations as an ELBO batch, row r from {@code series.get(r)} at
     * {@code starts[r]}: time relative to the stretch's first observation in the model's time unit,
     * values normalised with the spec's channel mean and std (NaN = not observed), mask 1 where observed.
     */
    public static LatentOdeElbo.Batch batchOf(LatentOdeSpec spec, List<Series> series, int[] starts, int length,
                                              int split) {
        int w = series.size();
        int c = spec.channels();
        double[][] times = new double[w][length];
        double[][][] values = new double[w][length][c];
        double[][][] mask = new double[w][length][c];
        for (int r = 0; r < w; r++) {
            Series s = series.get(r);
            int start = starts[r];
            long origin = s.timesMillis()[start];
            for (int k = 0; k < length; k++) {
                times[r][k] = (s.timesMillis()[start + k] - origin) / spec.timeUnitMillis();
                for (int j = 0; j < c; j++) {
                    double v = s.values()[start + k][j];
                    boolean observed = Double.isFinite(v);
                    mask[r][k][j] = observed ? 1 : 0;
                    values[r][k][j] = observed ? (v - spec.mean(j)) / spec.std(j) : 0;
                }
            }
        }
        return new LatentOdeElbo.Batch(times, values, mask, split);
    }
}
