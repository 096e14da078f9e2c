package io.odestream.latent;

import io.odestream.alert.AgeBuckets;
import io.odestream.alert.PooledWarmUp;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.ZMoments;
import io.odestream.alert.ZPool;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the warm-up calibration a model ships ({@link WarmUpCalibration}) on a set of series, once,
 * at training time: each series is watched from its first observation by the job's per-series step
 * ({@link SeriesMonitor}, the given settings), and its scores are pooled by the live pool's rule
 * ({@link PooledWarmUp#DEFAULT}: scores that raised no alert and whose judged |z| is below 3), per
 * {@link AgeBuckets#DEFAULT} bucket and over all ages, for each kind of score the job serves without a
 * residual scorer ({@link #SCORE_MODES}).
 *
 * <p>Two passes per kind of score, so that the shipped moments are what a live pool fed under them
 * would converge to on these series: the first pools as a live pool does from empty (judging by the
 * plain |z| until it holds {@link PooledWarmUp#DEFAULT}'s events, then by itself); the second judges
 * every score by the first pass's moments, as the job judges by the shipped ones, and pools afresh
 * what that judgement calls ordinary. The second pass does not depend on the order of the series.
 *
 * <p>The series should be like the ones the model will watch, anomaly-free (what a jump looks like is
 * what the moments must not learn), and many: a bucket's moments judge only once they hold
 * {@link WarmUpMoments#MIN_EVENTS} events for each pair of channels, and the first bucket gets one
 * score per series. Deterministic: Monte-Carlo draws are seeded by the series' index and the time.
 */
public final class WarmUpCalibrator {
    /** The kinds of score the job can serve without a residual scorer: the default first. */
    public static final List<ScoreMode> SCORE_MODES = List.of(ScoreMode.SIGMA_POINTS, ScoreMode.MONTE_CARLO,
            ScoreMode.MEAN_PATH);
    /** The second pass's pool never judges: the first pass's moments, as shipped, do. */
    private static final PooledWarmUp FEED_ONLY = new PooledWarmUp(Integer.MAX_VALUE, PooledWarmUp.DEFAULT.feedBelowZ());

    private WarmUpCalibrator() {
    }

    /**
     * The calibration of {@code model}'s scores on {@code series} (values NaN where not observed) under
     * {@code settings}' alert policy and score samples, for every {@link #SCORE_MODES} mode; null for a
     * one-channel model (nothing to condition on) and when no series has two observations (nothing
     * scored). Any calibration the model already ships is ignored.
     */
    public static WarmUpCalibration measure(LatentOdeModel model, List<LatentOdeTraining.Series> series,
                                            MonitorSettings settings) {
        if (model.spec().channels() < 2) {
            return null;
        }
        LatentOdeModel bare = model.withWarmUp(null);
        Map<ScoreMode, WarmUpMoments> measured = new EnumMap<>(ScoreMode.class);
        for (ScoreMode mode : SCORE_MODES) {
            MonitorSettings watched = settings.withScoreMode(mode);
            WarmUpMoments first = pooled(bare, series, watched.withPooledWarmUp(PooledWarmUp.DEFAULT),
                    new ZPool(PooledWarmUp.DEFAULT, true, AgeBuckets.DEFAULT));
            if (first == null) {
                return null;
            }
            LatentOdeModel judging = bare.withWarmUp(WarmUpCalibration.of(AgeBuckets.DEFAULT, Map.of(mode, first)));
            measured.put(mode, pooled(judging, series, watched.withPooledWarmUp(FEED_ONLY),
                    new ZPool(FEED_ONLY, true, AgeBuckets.DEFAULT)));
        }
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, measured);
    }

    /** Watches every series with a monitor feeding {@code pool}, and returns what it pooled. */
    private static WarmUpMoments pooled(LatentOdeModel model, List<LatentOdeTraining.Series> series,
                                        MonitorSettings settings, ZPool pool) {
        LatentFilter filter = new LatentFilter(model, "warm-up-calibration", 1);
        SeriesMonitor monitor = new SeriesMonitor(settings, null, pool);
        int c = model.spec().channels();
        double[] x = new double[c];
        boolean[] observed = new boolean[c];
        for (int k = 0; k < series.size(); k++) {
            LatentOdeTraining.Series s = series.get(k);
            InMemorySeries watched = new InMemorySeries(settings.alertPolicy().newTrack());
            for (int i = 0; i < s.timesMillis().length; i++) {
                double[] row = s.values()[i];
                boolean any = false;
                for (int j = 0; j < c; j++) {
                    observed[j] = !Double.isNaN(row[j]);
                    x[j] = observed[j] ? row[j] : 0;
                    any |= observed[j];
                }
                if (any) {
                    long t = s.timesMillis()[i];
                    monitor.step(watched, filter, t, x, observed, seed(k, t));
                }
            }
        }
        ZMoments[] byAge = new ZMoments[AgeBuckets.DEFAULT.count()];
        for (int b = 0; b < byAge.length; b++) {
            byAge[b] = pool.moments(AgeBuckets.DEFAULT.start(b));
        }
        if (pool.moments() == null) {
            return null; // no series was scored: none had two observations
        }
        return new WarmUpMoments(AgeBuckets.DEFAULT, pool.moments(), byAge);
    }

    /** The Monte-Carlo draws' seed of series {@code k}'s observation at {@code t}. */
    private static long seed(int k, long t) {
        long h = (k + 1) * 0x9E3779B97F4A7C15L ^ t;
        return h ^ (h >>> 31);
    }
}
