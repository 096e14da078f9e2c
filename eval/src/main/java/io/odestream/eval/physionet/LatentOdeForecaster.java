package io.odestream.eval.physionet;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.ObservationSkip;
import io.odestream.latent.Prediction;

/**
 * A trained latent ODE (either encoder) scored through the streaming {@link LatentFilter}, exactly
 * as the Flink job forecasts: the filter starts (h = 0) at the stay's first observation (or at
 * admission, time 0, when there is none); each forecast is what {@link LatentFilter#predict} serves
 * (the mixture over {@code samples} posterior samples, or, when the model's spec carries an
 * observation skip, the skip around it), drawn with seed {@code seed + (observations conditioned
 * on)}, so a run is reproducible and row k of {@link #oneStepAhead} equals {@link #predict} on the
 * first k observations.
 *
 * <ul>
 *   <li>one step ahead: forecast at t_k from the state after observations 0..k−1, then update
 *       with observation k (row 0: from the start state, nothing seen);</li>
 *   <li>predict: update with every given observation, then forecast at each query.</li>
 * </ul>
 * Means and spreads come from {@link LatentFilter#predict} without the mixture's quantiles (found by
 * bisection, they made scoring 100 stays take minutes; the means and spreads are the served ones).
 */
public final class LatentOdeForecaster implements SequenceForecaster, ZScoreForecaster {
    private final LatentFilter filter;
    private final int samples;
    private final long seed;

    public LatentOdeForecaster(LatentFilter filter, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        this.filter = filter;
        this.samples = samples;
        this.seed = seed;
    }

    /**
     * This model with {@code skip} in its spec, as {@code odestream train} writes it: forecasts then
     * come from the served path with the skip ({@link LatentFilter#predict}), not from a copy of it.
     */
    public LatentOdeForecaster withSkip(ObservationSkip skip) {
        return new LatentOdeForecaster(new LatentFilter(filter.model().withSkip(skip), filter.modelId(),
                filter.modelVersion()), samples, seed);
    }

    /** The filter forecasts come from. */
    public LatentFilter filter() {
        return filter;
    }

    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        return walk(timesMillis, values, false, (state, k) -> meanAt(state, timesMillis[k], seed + k));
    }

    /**
     * The z-scores against the served forecast's mean and std (without a skip: the mixture's, which is
     * what {@link LatentFilter#score} measures too).
     */
    @Override
    public double[][] oneStepAheadZ(long[] timesMillis, double[][] values) {
        return walk(timesMillis, values, false, (state, k) -> {
            Prediction p = served(state, timesMillis[k], seed + k);
            double[] z = new double[values[k].length];
            for (int j = 0; j < z.length; j++) {
                z[j] = Double.isFinite(values[k][j]) ? (values[k][j] - p.mean()[0][j]) / p.std()[0][j] : Double.NaN;
            }
            return z;
        });
    }

    /**
     * Row k: the predictive mean at t_k right after observation k updated the state (through the latent
     * bottleneck). Null for a model with an observation skip: it would read back the value it was given.
     */
    @Override
    public double[][] reconstruct(long[] timesMillis, double[][] values) {
        if (filter.model().spec().skip() != null) {
            return null;
        }
        return walk(timesMillis, values, true, (state, k) -> meanAt(state, timesMillis[k], seed + k + 1));
    }

    /** What one row of a walk reads from the state at observation k. */
    private interface RowReader {
        double[] read(FilterState state, int k);
    }

    /**
     * Filters the sequence causally, one row per observation, read before observation k is absorbed
     * (a forecast of it) or after (a reconstruction of it).
     */
    private double[][] walk(long[] timesMillis, double[][] values, boolean afterUpdate, RowReader reader) {
        int n = timesMillis.length;
        double[][] out = new double[n][];
        if (n == 0) {
            return out;
        }
        FilterState state = filter.start(timesMillis[0]);
        for (int k = 0; k < n; k++) {
            if (!afterUpdate) {
                out[k] = reader.read(state, k);
            }
            state = filter.update(state, timesMillis[k], values[k], null);
            if (afterUpdate) {
                out[k] = reader.read(state, k);
            }
        }
        return out;
    }

    @Override
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        FilterState state = filter.start(timesMillis.length == 0 ? 0L : timesMillis[0]);
        for (int k = 0; k < timesMillis.length; k++) {
            state = filter.update(state, timesMillis[k], values[k], null);
        }
        double[][] out = new double[queryTimesMillis.length][];
        for (int q = 0; q < out.length; q++) {
            long t = queryTimesMillis[q];
            out[q] = t >= state.timeMillis() ? meanAt(state, t, seed + timesMillis.length)
                    : filter.reconstruct(state, new long[] {t}, samples, seed + timesMillis.length).mean()[0];
        }
        return out;
    }

    private double[] meanAt(FilterState state, long t, long sampleSeed) {
        return served(state, t, sampleSeed).mean()[0];
    }

    private Prediction served(FilterState state, long t, long sampleSeed) {
        return filter.predict(state, new long[] {t}, samples, sampleSeed, false);
    }
}
