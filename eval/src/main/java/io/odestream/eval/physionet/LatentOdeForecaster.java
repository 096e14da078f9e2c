package io.odestream.eval.physionet;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;

/**
 * A trained latent ODE (either encoder) scored through the streaming {@link LatentFilter}, exactly
 * as the Flink job would forecast: the filter starts (h = 0) at the stay's first observation (or at
 * admission, time 0, when there is none); each forecast is the predictive mean over {@code samples}
 * posterior samples drawn with seed {@code seed + (observations conditioned on)}, so a run is
 * reproducible and row k of {@link #oneStepAhead} equals {@link #predict} on the first k observations.
 *
 * <ul>
 *   <li>one step ahead: forecast at t_k from the state after observations 0..k−1, then update
 *       with observation k (row 0: from the start state, nothing seen);</li>
 *   <li>predict: update with every given observation, then forecast at each query.</li>
 * </ul>
 * The means come from {@link LatentFilter#score} with every channel asked for: the same mixture
 * mean as {@link LatentFilter#predict} for the same seed, without the three mixture quantiles per
 * channel that predict also computes (by bisection) and that made scoring 100 stays take minutes.
 */
public final class LatentOdeForecaster implements SequenceForecaster, ZScoreForecaster {
    private final LatentFilter filter;
    private final int samples;
    private final long seed;
    /** Any finite values: score only reads which channels are wanted, not their values, for the means. */
    private final double[] everyChannel;

    public LatentOdeForecaster(LatentFilter filter, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        this.filter = filter;
        this.samples = samples;
        this.seed = seed;
        this.everyChannel = new double[filter.model().spec().channels()];
    }

    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        return walk(timesMillis, values, false, (state, k) -> meanAt(state, timesMillis[k], seed + k));
    }

    /** The z-scores of {@link LatentFilter#score}: against the mixture's mean and std, as the job scores. */
    @Override
    public double[][] oneStepAheadZ(long[] timesMillis, double[][] values) {
        return walk(timesMillis, values, false,
                (state, k) -> filter.score(state, timesMillis[k], values[k], null, samples, seed + k).zScores());
    }

    /** Row k: the predictive mean at t_k right after observation k updated the state (through the latent bottleneck). */
    @Override
    public double[][] reconstruct(long[] timesMillis, double[][] values) {
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
        return filter.score(state, t, everyChannel, null, samples, sampleSeed).predictiveMeans();
    }
}
