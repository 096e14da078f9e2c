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
 * <p>Beside the moments, the warm-up thresholds ({@link WarmUpThresholds}): every score of the second
 * pass of a series still in warm-up (fewer than the policy's {@code minHistory} scores before it), all
 * of them, not only the ones it pools, judged as the job will judge it under the moments shipped (the
 * largest conditional |z|; the plain |z| where the moments are not ready), per age bucket and over all
 * ages, at the (1 − {@link #FALSE_ALARM_RATE}) quantile ({@link WarmUpThresholds#quantile}).
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
     * The per-event false-alarm rate the shipped warm-up thresholds are taken at: half the promised
     * bound of 1 per 10 000 events, because thresholds taken at the bound itself meet it only on
     * average (half of all runs land above it), and a rate measured on the calibration series
     * transfers only roughly to other streams.
     */
    public static final double FALSE_ALARM_RATE = 5e-5;
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
            WarmUpScores scores = new WarmUpScores(model.spec().channels(), settings.alertPolicy().minHistory());
            WarmUpMoments shipped = pooled(judging, series, watched.withPooledWarmUp(FEED_ONLY),
                    new ZPool(FEED_ONLY, true, AgeBuckets.DEFAULT), scores);
            measured.put(mode, shipped);
            // judged under the moments as the artifact will carry them (its values, not the pool's sums)
            WarmUpMoments asShipped = WarmUpCalibration.of(AgeBuckets.DEFAULT, Map.of(mode, shipped)).momentsFor(mode);
            thresholds.put(mode, scores.thresholds(asShipped, FALSE_ALARM_RATE));
        }
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, measured, thresholds);
    }

    /**
     * The warm-up scores' z-scores and ages (calibration-time only: grows its arrays as it goes), judged
     * afterwards under the moments to be shipped, as the job will judge them: the z-scores do not depend
     * on the moments (the filter ignores the alerts), so the pass that measures the moments also gives
     * what the job's judgement of these series under them would be.
     */
    private static final class WarmUpScores {
        private final int channels;
        private final int minHistory;
        private double[] z = new double[4096];
        private int[] ages = new int[1024];
        private int count;

        WarmUpScores(int channels, int minHistory) {
            this.channels = channels;
            this.minHistory = minHistory;
        }

        /** A score of a series whose track held {@code age} scores before it. */
        void add(double[] scores, int age) {
            if (scores == null || scores.length != channels || age >= minHistory) {
                return; // not scored, or judged by the settled rule, not the warm-up one
            }
            if (count == ages.length) {
                ages = Arrays.copyOf(ages, 2 * count);
                z = Arrays.copyOf(z, 2 * count * channels);
            }
            System.arraycopy(scores, 0, z, count * channels, channels);
            ages[count++] = age;
        }

        /**
         * The thresholds at {@code rate} of the scores judged under {@code moments}: the largest
         * conditional |z|, the plain largest |z| where the moments are not ready (as the job judges).
         */
        WarmUpCalibration.MeasuredThresholds thresholds(WarmUpMoments moments, double rate) {
            AgeBuckets buckets = moments.buckets();
            ConditionalZ conditional = new ConditionalZ(channels);
            double[] one = new double[channels];
            double[][] byAge = new double[buckets.count()][count];
            int[] inBucket = new int[buckets.count()];
            double[] allAges = new double[count];
            int all = 0;
            for (int e = 0; e < count; e++) {
                System.arraycopy(z, e * channels, one, 0, channels);
                double judged = moments.judged(conditional, one, ages[e]);
                judged = Double.isNaN(judged) ? SeriesMonitor.maxAbsZ(one) : judged;
                if (Double.isNaN(judged)) {
                    continue; // nothing observed
                }
                int b = buckets.of(ages[e]);
                byAge[b][inBucket[b]++] = judged;
                allAges[all++] = judged;
            }
            double[] thresholds = new double[buckets.count()];
            long[] events = new long[buckets.count()];
            for (int b = 0; b < thresholds.length; b++) {
                thresholds[b] = WarmUpThresholds.quantile(byAge[b], inBucket[b], rate);
                events[b] = inBucket[b];
            }
            WarmUpThresholds t = new WarmUpThresholds(rate, buckets, WarmUpThresholds.quantile(allAges, all, rate),
                    thresholds);
            return new WarmUpCalibration.MeasuredThresholds(t, all, events);
        }
    }

    /**
     * Watches every series with a monitor feeding {@code pool}, and returns what it pooled; each score
     * also goes to {@code scores} when given.
     */
    private static WarmUpMoments pooled(LatentOdeModel model, List<LatentOdeTraining.Series> series,
                                        MonitorSettings settings, ZPool pool, WarmUpScores scores) {
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
                    if (scores != null && v.score() != null && age != ZPool.UNKNOWN_AGE) {
                        scores.add(v.score().zScores(), age);
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
