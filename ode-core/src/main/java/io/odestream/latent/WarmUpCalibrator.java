package io.odestream.latent;

import io.odestream.alert.AgeBuckets;
import io.odestream.alert.ConditionalZ;
import io.odestream.alert.PooledWarmUp;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.alert.ZMoments;
import io.odestream.alert.ZPool;
import java.util.Arrays;
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
 * <p>The second pass also gives the warm-up thresholds ({@link WarmUpThresholds}): every score of a
 * series still in warm-up (fewer than the policy's {@code minHistory} scores before it), all of them,
 * not only the ones it pools, judged as the job judges it under the first pass's moments (the largest
 * conditional |z|; the plain |z| where the moments are not ready), per age bucket and over all ages,
 * at the (1 − {@link #FALSE_ALARM_RATE}) quantile ({@link WarmUpThresholds#quantile}).
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
    /**
     * The per-event false-alarm rate the shipped warm-up thresholds are taken at: 1e-4, issue 17's goal
     * of at most 1 false alarm per 10 000 events (of young series, judged under the shipped moments).
     */
    public static final double FALSE_ALARM_RATE = 1e-4;
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
        Map<ScoreMode, WarmUpCalibration.MeasuredThresholds> thresholds = new EnumMap<>(ScoreMode.class);
        for (ScoreMode mode : SCORE_MODES) {
            MonitorSettings watched = settings.withScoreMode(mode);
            WarmUpMoments first = pooled(bare, series, watched.withPooledWarmUp(PooledWarmUp.DEFAULT),
                    new ZPool(PooledWarmUp.DEFAULT, true, AgeBuckets.DEFAULT), null);
            if (first == null) {
                return null;
            }
            LatentOdeModel judging = bare.withWarmUp(WarmUpCalibration.of(AgeBuckets.DEFAULT, Map.of(mode, first)));
            JudgedZ judged = new JudgedZ(first, settings.alertPolicy().minHistory());
            measured.put(mode, pooled(judging, series, watched.withPooledWarmUp(FEED_ONLY),
                    new ZPool(FEED_ONLY, true, AgeBuckets.DEFAULT), judged));
            thresholds.put(mode, judged.thresholds(FALSE_ALARM_RATE));
        }
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, measured, thresholds);
    }

    /**
     * The judged z of the warm-up scores, per age bucket and over all ages, as the job judges them
     * under {@code moments}. Calibration-time only: grows its arrays as it goes.
     */
    private static final class JudgedZ {
        private final WarmUpMoments moments;
        private final int minHistory;
        private final ConditionalZ conditional;
        private final double[][] byAge = new double[AgeBuckets.DEFAULT.count()][];
        private final int[] counts = new int[AgeBuckets.DEFAULT.count()];
        private double[] allAges = new double[1024];
        private int allCount;

        JudgedZ(WarmUpMoments moments, int minHistory) {
            this.moments = moments;
            this.minHistory = minHistory;
            this.conditional = new ConditionalZ(moments.channels());
            for (int b = 0; b < byAge.length; b++) {
                byAge[b] = new double[1024];
            }
        }

        /** A score of a series whose track held {@code age} scores before it. */
        void add(double[] z, int age) {
            if (z == null || age >= minHistory) {
                return; // not scored, or judged by the settled rule, not the warm-up one
            }
            double judged = moments.judged(conditional, z, age);
            judged = Double.isNaN(judged) ? SeriesMonitor.maxAbsZ(z) : judged;
            if (Double.isNaN(judged)) {
                return;
            }
            int b = AgeBuckets.DEFAULT.of(age);
            if (counts[b] == byAge[b].length) {
                byAge[b] = Arrays.copyOf(byAge[b], 2 * counts[b]);
            }
            byAge[b][counts[b]++] = judged;
            if (allCount == allAges.length) {
                allAges = Arrays.copyOf(allAges, 2 * allCount);
            }
            allAges[allCount++] = judged;
        }

        WarmUpCalibration.MeasuredThresholds thresholds(double rate) {
            double[] ages = new double[byAge.length];
            long[] events = new long[byAge.length];
            for (int b = 0; b < ages.length; b++) {
                ages[b] = WarmUpThresholds.quantile(byAge[b], counts[b], rate);
                events[b] = counts[b];
            }
            WarmUpThresholds t = new WarmUpThresholds(rate, AgeBuckets.DEFAULT,
                    WarmUpThresholds.quantile(allAges, allCount, rate), ages);
            return new WarmUpCalibration.MeasuredThresholds(t, allCount, events);
        }
    }

    /**
     * Watches every series with a monitor feeding {@code pool}, and returns what it pooled; each score
     * also goes to {@code judged} when given.
     */
    private static WarmUpMoments pooled(LatentOdeModel model, List<LatentOdeTraining.Series> series,
                                        MonitorSettings settings, ZPool pool, JudgedZ judged) {
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
                    int age = watched.alerts() == null ? ZPool.UNKNOWN_AGE : watched.alerts().size;
                    SeriesMonitor.Verdict v = monitor.step(watched, filter, t, x, observed, seed(k, t));
                    if (judged != null && v.score() != null && age != ZPool.UNKNOWN_AGE) {
                        judged.add(v.score().zScores(), age);
                    }
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
