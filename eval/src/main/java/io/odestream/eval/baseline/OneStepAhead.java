package io.odestream.eval.baseline;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.nn.Parameters;
import io.odestream.train.Adam;
import io.odestream.train.LearningRateSchedule;
import io.odestream.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The static half of what the one-step-ahead baselines ({@link RnnDeltaT}, {@link OdeRnn}) share:
 * the input checks, the prediction bookkeeping and the training loop, so that both are trained and
 * validated the same way; the model half (prediction, loss, readout) is {@link SequenceBaseline}.
 */
final class OneStepAhead {
    /** Gradient norm clip, as the latent ODE's training uses: one bad minibatch cannot blow a GRU up. */
    static final double MAX_GRADIENT_NORM = 10.0;

    private OneStepAhead() {
    }

    /**
     * Adam (torch defaults) at a constant rate through the same {@link Trainer} loop as the latent
     * ODE (gradient norm clipped at 10). Each iteration draws {@code batchSize} whole series with
     * replacement from those with an observed value after their first observation.
     */
    static Trainer.Result train(SequenceBaseline model, List<Series> series, int iterations, int batchSize, double lr,
                                long seed, Trainer.ProgressListener listener) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        if (series == null) {
            throw new IllegalArgumentException("series must not be null; pass the training series");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        List<Series> usable = new ArrayList<>();
        for (Series s : series) {
            if (s != null && observedAfterFirst(s.values()) > 0) {
                usable.add(s);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("series has no series with an observed value after its first "
                    + "observation; one-step-ahead training needs at least two observations in a series");
        }
        Parameters parameters = model.parameters();
        Trainer trainer = new Trainer(new Trainer.Config(iterations, Adam.defaults(),
                LearningRateSchedule.constant(lr), MAX_GRADIENT_NORM, listener));
        SplittableRandom random = new SplittableRandom(seed);
        List<Series> batch = new ArrayList<>(batchSize);
        Trainer.Result result = trainer.train(parameters.values(), (iteration, gradient) -> {
            // the optimiser wrote into the vector: the layers' cached weight copies are stale
            parameters.markChanged();
            batch.clear();
            for (int b = 0; b < batchSize; b++) {
                batch.add(usable.get(random.nextInt(usable.size())));
            }
            return model.evaluation(model.loss(batch, gradient));
        });
        // the last optimiser step wrote into the vector after the last evaluation
        parameters.markChanged();
        return result;
    }

    /**
     * Checks a loss call's minibatch and gradient buffer; returns the number of values the loss
     * predicts (observed values after each series' first observation), which is at least 1.
     */
    static long checkBatch(List<Series> batch, double[] gradient, int parameterCount, int channels) {
        if (batch == null || batch.isEmpty()) {
            throw new IllegalArgumentException("batch must hold at least one series");
        }
        if (gradient == null || gradient.length != parameterCount) {
            throw new IllegalArgumentException("gradient must have the parameter vector's length " + parameterCount
                    + ", got " + (gradient == null ? "null" : gradient.length));
        }
        long predicted = 0;
        for (int b = 0; b < batch.size(); b++) {
            Series s = batch.get(b);
            if (s == null) {
                throw new IllegalArgumentException("batch[" + b + "] is null");
            }
            checkSeries(s.timesMillis(), s.values(), channels, "batch[" + b + "].timesMillis",
                    "batch[" + b + "].values");
            predicted += observedAfterFirst(s.values());
        }
        if (predicted == 0) {
            throw new IllegalArgumentException("batch has no observed value after a series' first observation, so "
                    + "there is nothing to predict; give series with at least two observations");
        }
        return predicted;
    }

    /** Number of observations of a non-decreasing series at or before t (upper bound). */
    static int countAtOrBefore(long[] times, long t) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Observed (non-NaN) values after a series' first observation: what one-step-ahead predicts. */
    static long observedAfterFirst(double[][] values) {
        long n = 0;
        for (int k = 1; k < values.length; k++) {
            for (double v : values[k]) {
                if (!Double.isNaN(v)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A series as the baselines take it: sorted times, one row of {@code channels} values per time, NaN = missing. */
    static void checkSeries(long[] times, double[][] values, int channels, String timesName, String valuesName) {
        if (times == null || values == null) {
            throw new IllegalArgumentException(timesName + " and " + valuesName + " must not be null");
        }
        if (times.length != values.length) {
            throw new IllegalArgumentException(timesName + " has " + times.length + " entries but " + valuesName
                    + " has " + values.length + " rows; give one value row per time");
        }
        for (int k = 0; k < times.length; k++) {
            if (k > 0 && times[k] < times[k - 1]) {
                throw new IllegalArgumentException(timesName + " must be non-decreasing, but [" + k + "] = " + times[k]
                        + " < [" + (k - 1) + "] = " + times[k - 1] + "; sort the observations by time");
            }
            double[] row = values[k];
            if (row == null || row.length != channels) {
                throw new IllegalArgumentException(valuesName + "[" + k + "] has " + (row == null ? "no" : row.length)
                        + " values but the model has " + channels + " channels; use NaN for a missing channel");
            }
            for (int j = 0; j < channels; j++) {
                if (Double.isInfinite(row[j])) {
                    throw new IllegalArgumentException(valuesName + "[" + k + "][" + j + "] is " + row[j]
                            + "; values must be finite, or NaN for missing");
                }
            }
        }
    }
}
