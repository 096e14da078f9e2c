package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.latent.ObservationSkip;
import java.util.Arrays;
import java.util.List;

/**
 * Any forecaster of the table with an {@link ObservationSkip} (ode-core, the one the job serves)
 * fitted around it: for the baselines the job does not serve (RNN-Δt, ODE-RNN) and the decay alone
 * (no network). The latent ODE's skip row is not this: it is the served path itself, the skip in
 * the model's spec applied by {@code LatentFilter.predict} ({@link LatentOdeForecaster}); only the fit
 * ({@link #fit}) is shared.
 *
 * <p>Age bins of {@link #BIN_EDGES_HOURS} hours since a channel was observed; the predictive
 * distribution is Gaussian around the skip's mean with its bin's training residual spread.
 */
public final class SkippedForecaster implements SequenceForecaster, ZScoreForecaster {
    /** Upper edges (hours since the channel was observed) of the age bins; one more bin above, one for never. */
    static final double[] BIN_EDGES_HOURS = {1.5, 3, 6, 12, 24};
    private static final long HOUR_MILLIS = 3_600_000L;

    private final SequenceForecaster model;
    private final ObservationSkip skip;

    SkippedForecaster(SequenceForecaster model, ObservationSkip skip) {
        this.model = model;
        this.skip = skip;
    }

    /** The age bins' edges in milliseconds. */
    static long[] binEdgesMillis() {
        long[] edges = new long[BIN_EDGES_HOURS.length];
        for (int b = 0; b < edges.length; b++) {
            edges[b] = Math.round(BIN_EDGES_HOURS[b] * HOUR_MILLIS);
        }
        return edges;
    }

    /**
     * Fits a skip around {@code model} by ridge least squares shrunk toward last value (ode-core
     * {@link ObservationSkip.Fit}) on the two kinds of forecast a served model makes, pooled, because
     * the job cannot tell them apart when it is asked: its one-step-ahead forecasts of the training
     * stays (the next observation) and its forecasts of every observation at or after
     * {@code cutoffMillis} from those before it (a long run without observations, where every
     * channel's last value ages, vitals included, which one step ahead never shows).
     *
     * @param model        the trained model, or null for the decay alone (no network: b = 0)
     * @param train        the (normalised) training stays
     * @param channels     values per row
     * @param cutoffMillis where the training stays are cut for the forecasts across a gap
     */
    public static ObservationSkip fit(SequenceForecaster model, List<Series> train, int channels, long cutoffMillis) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("train must hold at least one stay to fit the skip on");
        }
        ObservationSkip.Fit fit = new ObservationSkip.Fit(binEdgesMillis(),
                LastValueForecaster.fromTraining(train, channels).fallback());
        for (Series s : train) {
            long[] t = s.timesMillis();
            if (t.length < 2) {
                continue;
            }
            fit.addOneStepAhead(t, s.values(), model == null ? null : model.oneStepAhead(t, s.values()));
            int context = 0;
            while (context < t.length && t[context] < cutoffMillis) {
                context++;
            }
            if (context > 0 && context < t.length) {
                fit.addAhead(t, s.values(), context, model == null ? null : model.predict(Arrays.copyOf(t, context),
                        Arrays.copyOf(s.values(), context), Arrays.copyOfRange(t, context, t.length)));
            }
        }
        return fit.solve(model != null);
    }

    /** {@link #fit} and the forecaster with the fitted skip around {@code model} (null: the decay alone). */
    public static SkippedForecaster fitAround(SequenceForecaster model, List<Series> train, int channels,
                                              long cutoffMillis) {
        return new SkippedForecaster(model, fit(model, train, channels, cutoffMillis));
    }

    /** The fitted skip. */
    public ObservationSkip skip() {
        return skip;
    }

    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        return oneStep(timesMillis, values, null);
    }

    @Override
    public double[][] oneStepAheadZ(long[] timesMillis, double[][] values) {
        double[][] z = new double[timesMillis.length][];
        oneStep(timesMillis, values, z);
        return z;
    }

    private double[][] oneStep(long[] timesMillis, double[][] values, double[][] zOut) {
        int n = timesMillis.length;
        int c = skip.channels();
        double[][] forecast = model == null ? null : model.oneStepAhead(timesMillis, values);
        double[][] out = new double[n][c];
        LastSeen seen = new LastSeen(c);
        for (int k = 0; k < n; k++) {
            if (zOut != null) {
                zOut[k] = new double[c];
                Arrays.fill(zOut[k], Double.NaN);
            }
            for (int j = 0; j < c; j++) {
                int bin = skip.bin(timesMillis[k], seen.at[j]);
                out[k][j] = skip.mean(j, bin, seen.value[j], forecast == null ? 0.0 : forecast[k][j]);
                if (zOut != null && Double.isFinite(values[k][j])) {
                    zOut[k][j] = (values[k][j] - out[k][j]) / skip.spread(j, bin);
                }
            }
            seen.absorb(timesMillis[k], values[k]);
        }
        return out;
    }

    @Override
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        int c = skip.channels();
        double[][] forecast = model == null ? null : model.predict(timesMillis, values, queryTimesMillis);
        LastSeen seen = new LastSeen(c);
        for (int k = 0; k < timesMillis.length; k++) {
            seen.absorb(timesMillis[k], values[k]);
        }
        double[][] out = new double[queryTimesMillis.length][c];
        for (int q = 0; q < out.length; q++) {
            for (int j = 0; j < c; j++) {
                out[q][j] = skip.mean(j, skip.bin(queryTimesMillis[q], seen.at[j]), seen.value[j],
                        forecast == null ? 0.0 : forecast[q][j]);
            }
        }
        return out;
    }

    /** Per channel the last observed value (NaN: never) and when, kept as the job's filter state keeps them. */
    private static final class LastSeen {
        final double[] value;
        final long[] at;

        LastSeen(int channels) {
            value = ObservationSkip.never(channels);
            at = ObservationSkip.neverObserved(channels);
        }

        void absorb(long t, double[] row) {
            ObservationSkip.remember(value, at, t, row, null);
        }
    }
}
