package io.odestream.latent;

import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.ode.SolverException;
import java.util.Arrays;
import java.util.List;

/**
 * The observation skip fitted around a trained model, as {@code odestream train} does after
 * training: on the model's one-step-ahead forecasts of the training series through the filter (what
 * the job would have served them without a skip), with age bins of 1, 2, 4, 8 and 16 times the
 * training data's median gap (a skip knows nothing of the data's time scale otherwise), and the
 * channels' training means as the values before a first observation. And the check a user reads:
 * one-step-ahead error of last value, of the model alone and of the served model with its skip.
 */
public final class SkipFitting {
    /** The bins' upper edges in median training gaps. */
    static final double[] EDGES_IN_MEDIAN_GAPS = {1, 2, 4, 8, 16};

    private SkipFitting() {
    }

    /** One-step-ahead error in training standard deviations, squared and averaged over observed values. */
    public record OneStepErrors(double lastValue, double modelAlone, double withSkip, long values) {
    }

    /** The age bins' edges for {@code series}: multiples of the median gap between observations (≥ 1 ms). */
    public static long[] binEdges(List<Series> series) {
        long count = 0;
        for (Series s : series) {
            count += Math.max(s.timesMillis().length - 1, 0);
        }
        if (count == 0) {
            throw new IllegalArgumentException("no series has two observations: there is no gap to scale the "
                    + "observation skip's age bins by");
        }
        long[] gaps = new long[(int) count];
        int n = 0;
        for (Series s : series) {
            long[] t = s.timesMillis();
            for (int k = 1; k < t.length; k++) {
                gaps[n++] = t[k] - t[k - 1];
            }
        }
        Arrays.sort(gaps);
        long median = Math.max(gaps[gaps.length / 2], 1);
        long[] edges = new long[EDGES_IN_MEDIAN_GAPS.length];
        for (int b = 0; b < edges.length; b++) {
            edges[b] = Math.round(EDGES_IN_MEDIAN_GAPS[b] * median);
        }
        return edges;
    }

    /**
     * Fits the skip around the model {@code filter} runs (its spec's own skip, if any, is not used).
     *
     * @param samples posterior samples per forecast
     * @param seed    of the forecasts' posterior draws (series i, observation k: {@code seed + i·1009 + k})
     */
    public static ObservationSkip fit(LatentFilter filter, List<Series> train, int samples, long seed) {
        LatentFilter alone = withoutSkip(filter);
        LatentOdeSpec spec = alone.model().spec();
        ObservationSkip.Fit fit = new ObservationSkip.Fit(binEdges(train), spec.channelMean());
        for (int i = 0; i < train.size(); i++) {
            Series s = train.get(i);
            fit.addOneStepAhead(s.timesMillis(), s.values(), oneStepAhead(alone, s, samples, seed + i * 1009L));
        }
        return fit.solve(true);
    }

    /**
     * One-step-ahead errors on {@code series} (e.g. held-out ones): last value carried forward, the
     * model alone and the model with {@code skip}, each observed value of observation k ≥ 1 forecast
     * from observations 0..k−1, through the filter as the job serves it.
     */
    public static OneStepErrors compare(LatentFilter filter, ObservationSkip skip, List<Series> series, int samples,
                                        long seed) {
        LatentFilter alone = withoutSkip(filter);
        LatentFilter served = new LatentFilter(alone.model().withSkip(skip), alone.modelId(), alone.modelVersion());
        LatentOdeSpec spec = alone.model().spec();
        double[] sums = new double[3];
        long values = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double[][] x = s.values();
            double[][] model = oneStepAhead(alone, s, samples, seed + i * 1009L);
            double[][] withSkip = oneStepAhead(served, s, samples, seed + i * 1009L);
            double[] last = ObservationSkip.never(spec.channels());
            long[] observedAt = ObservationSkip.neverObserved(spec.channels());
            for (int k = 0; k < x.length; k++) {
                for (int j = 0; k > 0 && j < spec.channels(); j++) {
                    if (Double.isFinite(x[k][j])) {
                        double lastValue = Double.isNaN(last[j]) ? spec.mean(j) : last[j];
                        sums[0] += square((x[k][j] - lastValue) / spec.std(j));
                        sums[1] += square((x[k][j] - model[k][j]) / spec.std(j));
                        sums[2] += square((x[k][j] - withSkip[k][j]) / spec.std(j));
                        values++;
                    }
                }
                ObservationSkip.remember(last, observedAt, s.timesMillis()[k], x[k], null);
            }
        }
        return values == 0 ? new OneStepErrors(Double.NaN, Double.NaN, Double.NaN, 0)
                : new OneStepErrors(sums[0] / values, sums[1] / values, sums[2] / values, values);
    }

    /**
     * Row k: what {@code filter} serves at t_k from observations 0..k−1 (row 0 from the start state).
     * A forecast the solver fails on is a row of NaN (the fit leaves it out); an update it fails on
     * restarts the series from that observation, as the job does after repeated failures.
     */
    static double[][] oneStepAhead(LatentFilter filter, Series s, int samples, long seed) {
        long[] t = s.timesMillis();
        int c = filter.model().spec().channels();
        double[][] out = new double[t.length][];
        if (t.length == 0) {
            return out;
        }
        FilterState state = filter.start(t[0]);
        for (int k = 0; k < t.length; k++) {
            try {
                out[k] = filter.predict(state, new long[] {t[k]}, samples, seed + k, false).mean()[0];
            } catch (SolverException e) {
                out[k] = ObservationSkip.never(c);
            }
            try {
                state = filter.update(state, t[k], s.values()[k], null);
            } catch (SolverException e) {
                state = filter.update(filter.start(t[k]), t[k], s.values()[k], null);
            }
        }
        return out;
    }

    private static LatentFilter withoutSkip(LatentFilter filter) {
        return filter.model().spec().skip() == null ? filter
                : new LatentFilter(filter.model().withSkip(null), filter.modelId(), filter.modelVersion());
    }

    private static double square(double v) {
        return v * v;
    }
}
