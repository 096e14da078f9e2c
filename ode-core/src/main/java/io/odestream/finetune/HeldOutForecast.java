package io.odestream.finetune;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.Prediction;
import io.odestream.latent.Score;
import java.util.List;

/**
 * Forecasts a model on held-out windows the way the job serves it: the filter absorbs each window's
 * context (its first {@code split} observations), then forecasts the horizon observations from
 * there, without absorbing them. The same windows, seed and samples for two models give numbers
 * that compare ({@link ForecastMetrics}): the serving version and a candidate are measured alike.
 */
public final class HeldOutForecast {
    private static final long SEED_MIX = 0x9e3779b97f4a7c15L;

    private HeldOutForecast() {
    }

    /**
     * @param filter  the model's filter (not used concurrently)
     * @param windows held-out windows, at least one, of the filter's channel count
     * @param samples Monte-Carlo samples per forecast, >= 1
     * @param seed    the posterior samples' seed; window i uses a seed derived from it and i
     * @throws io.odestream.ode.SolverException when the model cannot be solved on a window
     */
    public static ForecastMetrics of(LatentFilter filter, List<TrainingWindow> windows, int samples, long seed) {
        if (windows == null || windows.isEmpty()) {
            throw new IllegalArgumentException("windows must hold at least one held-out window");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        int channels = filter.model().spec().channels();
        double nllSum = 0;
        long scored = 0;
        double errorSum = 0;
        long covered = 0;
        long values = 0;
        for (int i = 0; i < windows.size(); i++) {
            TrainingWindow w = windows.get(i);
            if (w.channels() != channels) {
                throw new IllegalArgumentException(w + " has " + w.channels() + " channels, the model " + channels);
            }
            long windowSeed = windowSeed(seed, i);
            FilterState state = filter.start(w.timeMillis(0));
            double[] row = new double[channels];
            boolean[] mask = new boolean[channels];
            for (int k = 0; k < w.split(); k++) {
                read(w, k, row, mask);
                state = filter.update(state, w.timeMillis(k), row, mask);
            }
            long[] horizon = new long[w.length() - w.split()];
            for (int k = 0; k < horizon.length; k++) {
                horizon[k] = w.timeMillis(w.split() + k);
            }
            Prediction p = filter.predict(state, horizon, samples, windowSeed);
            for (int k = 0; k < horizon.length; k++) {
                int observed = read(w, w.split() + k, row, mask);
                if (observed == 0 || !p.answered(k)) {
                    continue;
                }
                Score score = filter.score(state, horizon[k], row, mask, samples, windowSeed);
                nllSum += score.negativeLogDensity();
                scored++;
                for (int c = 0; c < channels; c++) {
                    if (mask[c]) {
                        errorSum += Math.abs(p.mean()[k][c] - row[c]);
                        covered += row[c] >= p.q05()[k][c] && row[c] <= p.q95()[k][c] ? 1 : 0;
                        values++;
                    }
                }
            }
        }
        if (values == 0) {
            throw new IllegalArgumentException("no held-out window has an observed horizon value to forecast ("
                    + windows.size() + " windows)");
        }
        return new ForecastMetrics(nllSum / scored, errorSum / values, covered / (double) values, scored);
    }

    /** The samples' seed of window {@code i}: windows draw independent samples, both models the same ones. */
    static long windowSeed(long seed, int i) {
        return seed ^ (SEED_MIX * (i + 1));
    }

    /** Row k of the window into {@code row}/{@code mask} (NaN: missing); returns how many channels are observed. */
    private static int read(TrainingWindow w, int k, double[] row, boolean[] mask) {
        int observed = 0;
        for (int c = 0; c < row.length; c++) {
            double v = w.value(k, c);
            mask[c] = Double.isFinite(v);
            row[c] = mask[c] ? v : 0.0;
            observed += mask[c] ? 1 : 0;
        }
        return observed;
    }
}
