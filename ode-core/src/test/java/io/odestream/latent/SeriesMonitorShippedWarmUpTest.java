package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AgeBuckets;
import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.alert.ZMoments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SeriesMonitor} with a model that ships warm-up moments ({@link LatentOdeSpec#warmUp()}): a
 * young series is judged by the conditional z under them from its first score, whatever other series
 * the monitor served before; a model without them, a residual scorer or another kind of score are
 * judged as without them; a swap takes the new model's moments; a live pool, once ready, judges
 * instead of them.
 */
class SeriesMonitorShippedWarmUpTest {
    /** The whole series in warm-up (minHistory 256), judged on |z| ≥ 5. */
    private static final MonitorSettings SETTINGS = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);
    /** A jump whose plain |z| lands between 3 and 5 at times. */
    private static final double JUMP = 2;

    /**
     * Moments of independent channels with variance {@code v} in every bucket and over all ages, for
     * sigma-point scores: under v = 0.01 the conditional z is ten times the plain z, so ordinary
     * scores alert; under v = 1 000 a 32nd.
     */
    static WarmUpCalibration independent(double v) {
        ZMoments[] byAge = new ZMoments[AgeBuckets.DEFAULT.count()];
        for (int b = 0; b < byAge.length; b++) {
            byAge[b] = ZMoments.ofMoments(2, new double[] {v, 0, 0, v}, new long[] {5_000, 5_000, 5_000, 5_000});
        }
        WarmUpMoments m = new WarmUpMoments(AgeBuckets.DEFAULT, byAge[0], byAge);
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, Map.of(ScoreMode.SIGMA_POINTS, m));
    }

    /** {@link #independent}'s moments with these sigma-point thresholds (of 5 000 events each). */
    static WarmUpCalibration independent(double v, double allAges, double... byAge) {
        WarmUpMoments m = independent(v).momentsFor(ScoreMode.SIGMA_POINTS);
        WarmUpThresholds t = new WarmUpThresholds(1e-4, AgeBuckets.DEFAULT, allAges, byAge);
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, Map.of(ScoreMode.SIGMA_POINTS, m), Map.of(
                ScoreMode.SIGMA_POINTS, new WarmUpCalibration.MeasuredThresholds(t, 5_000, new long[] {5_000, 5_000,
                        5_000, 5_000})));
    }

    private static LatentFilter filter(long version, WarmUpCalibration calibration) {
        LatentOdeSpec spec = LatentOdeSpec.of(2, 4, 8, new int[] {16}, new int[] {16}, 1000.0);
        return new LatentFilter(LatentOdeModel.create(spec, 11).withWarmUp(calibration), "m", version);
    }

    private static double[] values(int series, int i) {
        return new double[] {Math.sin(i / 5.0 + series), Math.cos(i / 5.0 + series)};
    }

    /** Which observations of a new series raise, watched from time {@code start} by {@code monitor}. */
    private static List<Integer> raises(SeriesMonitor monitor, LatentFilter filter, int series, int events) {
        InMemorySeries s = new InMemorySeries(monitor.settings().alertPolicy().newTrack());
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            if (monitor.step(s, filter, 1_000L * i, values(series, i), null, i).raisesAlert()) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void aYoungSeriesIsJudgedUnderTheShippedMomentsFromItsFirstScore() {
        List<Integer> plain = raises(new SeriesMonitor(SETTINGS), filter(1, null), 0, 30);
        List<Integer> narrow = raises(new SeriesMonitor(SETTINGS), filter(1, independent(0.01)), 0, 30);
        assertEquals(List.of(), plain, "precondition: a smooth series raises nothing on its plain |z|");
        assertEquals(1, narrow.get(0), "its first score (its second observation) is judged by the shipped moments");
    }

    @Test
    void shippedThresholdsReplaceWarmUpZForScoresJudgedUnderTheShippedMoments() {
        double none = Double.NaN;
        List<Integer> atFive = raises(new SeriesMonitor(SETTINGS), filter(1, independent(0.01)), 0, 30);
        assertEquals(1, atFive.get(0), "precondition: at warmUpZ 5 the first score raises");
        assertEquals(List.of(), raises(new SeriesMonitor(SETTINGS), filter(1, independent(0.01, 1e6, none, none,
                none, none)), 0, 30), "no bucket has its own: the all-ages threshold, far out, judges every age");
        assertEquals(List.of(1), raises(new SeriesMonitor(SETTINGS), filter(1, independent(0.01, 1e6, 3, none,
                none, none)), 0, 30), "age 0's own threshold judges the first score only");
        assertEquals(atFive, raises(new SeriesMonitor(SETTINGS), filter(1, independent(0.01, none, none, none,
                none, none)), 0, 30), "thresholds without a value: warmUpZ");
    }

    @Test
    void theLivePoolAndThePlainRuleIgnoreShippedThresholds() {
        MonitorSettings withPool = SETTINGS.withPooledWarmUp(new PooledWarmUp(5, 64));
        assertEquals(raises(new SeriesMonitor(withPool), filter(1, independent(0.01)), 11, 30),
                raises(new SeriesMonitor(withPool), filter(1, independent(0.01, 1e6, 1e6, 1e6, 1e6, 1e6)), 11, 30));
        // moments that never judge (too few events) leave the plain |z| at warmUpZ, thresholds or not
        ZMoments few = ZMoments.ofMoments(2, new double[] {0.01, 0, 0, 0.01}, new long[] {10, 10, 10, 10});
        ZMoments[] byAge = {few, few, few, few};
        WarmUpMoments unready = new WarmUpMoments(AgeBuckets.DEFAULT, few, byAge);
        WarmUpCalibration unreadyWithThresholds = WarmUpCalibration.of(AgeBuckets.DEFAULT,
                Map.of(ScoreMode.SIGMA_POINTS, unready), Map.of(ScoreMode.SIGMA_POINTS,
                        new WarmUpCalibration.MeasuredThresholds(new WarmUpThresholds(1e-4, AgeBuckets.DEFAULT, 3,
                                new double[] {3, 3, 3, 3}), 10, new long[] {10, 10, 10, 10})));
        InMemorySeries a = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        InMemorySeries b = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        LatentFilter plain = filter(1, null);
        LatentFilter unreadyFilter = filter(1, unreadyWithThresholds);
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
        int between3And5 = 0;
        for (int i = 0; i < 60; i++) {
            double[] x = values(0, i);
            x[i % 2] += i % 9 == 8 ? JUMP : 0;
            SeriesMonitor.Verdict v = monitor.step(a, plain, 1_000L * i, x, null, i);
            assertEquals(v.raisesAlert(), monitor.step(b, unreadyFilter, 1_000L * i, x, null, i).raisesAlert(),
                    "observation " + i);
            double z = v.score() == null ? 0 : SeriesMonitor.maxAbsZ(v.score().zScores());
            between3And5 += z >= 3 && z < 5 ? 1 : 0;
        }
        assertTrue(between3And5 > 0, "precondition: a threshold of 3 on the plain |z| would have raised more");
    }

    @Test
    void aModelWithoutShippedMomentsIsJudgedOnThePlainLargestAbsZAsBefore() {
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
        LatentFilter plain = filter(1, null);
        InMemorySeries series = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        io.odestream.alert.AlertTrack byHand = SETTINGS.alertPolicy().newTrack();
        int raised = 0;
        for (int i = 0; i < 40; i++) {
            double[] x = values(0, i);
            x[i % 2] += i % 9 == 8 ? 10 : 0;
            SeriesMonitor.Verdict v = monitor.step(series, plain, 1_000L * i, x, null, i);
            if (v.score() == null) {
                continue;
            }
            // the rule before shipped moments: the policy on the score's plain largest |z|
            io.odestream.alert.AlertDecision expected = SETTINGS.alertPolicy().observe(byHand, 1_000L * i,
                    v.score().negativeLogDensity(), SeriesMonitor.maxAbsZ(v.score().zScores()), x, null);
            assertEquals(expected, v.decision(), "observation " + i);
            raised += v.raisesAlert() ? 1 : 0;
        }
        assertTrue(raised > 0, "precondition: the jumps raise on their plain |z|");
    }

    @Test
    void aSeriesVerdictsDoNotDependOnTheSeriesTheMonitorServedBefore() {
        LatentFilter filter = filter(1, independent(0.01));
        SeriesMonitor fresh = new SeriesMonitor(SETTINGS);
        SeriesMonitor busy = new SeriesMonitor(SETTINGS);
        for (int other = 1; other <= 20; other++) {
            raises(busy, filter, other, 25);
        }
        List<Integer> alone = raises(fresh, filter, 0, 40);
        assertTrue(!alone.isEmpty(), "precondition: the moments make this series raise");
        assertEquals(alone, raises(busy, filter, 0, 40));
    }

    @Test
    void wideShippedMomentsQuietAJumpThePlainRuleAlertsOn() {
        InMemorySeries a = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        InMemorySeries b = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
        LatentFilter plain = filter(1, null);
        LatentFilter wide = filter(1, independent(1_000));
        boolean plainRaised = false;
        boolean wideRaised = false;
        for (int i = 0; i < 12; i++) {
            double[] x = values(0, i);
            x[1] += i == 10 ? 10 : 0;
            plainRaised |= monitor.step(a, plain, 1_000L * i, x, null, i).raisesAlert();
            wideRaised |= monitor.step(b, wide, 1_000L * i, x, null, i).raisesAlert();
        }
        assertTrue(plainRaised, "precondition: the jump alerts on its plain |z|");
        assertTrue(!wideRaised, "under variance 1 000 its conditional z is a 32nd");
    }

    @Test
    void aResidualScorerOrAnotherKindOfScoreIsJudgedAsWithoutShippedMoments() {
        LatentFilter plain = filter(1, null);
        LatentFilter narrow = filter(1, independent(0.01));
        ResidualScorer keepsGaussian = (z, gap) -> Double.NaN;
        assertEquals(raises(new SeriesMonitor(SETTINGS, keepsGaussian), plain, 0, 30),
                raises(new SeriesMonitor(SETTINGS, keepsGaussian), narrow, 0, 30));
        MonitorSettings monteCarlo = SETTINGS.withScoreMode(ScoreMode.MONTE_CARLO);
        assertEquals(raises(new SeriesMonitor(monteCarlo), plain, 0, 30),
                raises(new SeriesMonitor(monteCarlo), narrow, 0, 30), "only sigma-point moments were shipped");
    }

    @Test
    void aSwapJudgesByTheNewModelsMoments() {
        SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
        InMemorySeries series = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        LatentFilter narrow = filter(1, independent(0.01));
        int raisedUnderV1 = 0;
        for (int i = 0; i < 10; i++) {
            raisedUnderV1 += monitor.step(series, narrow, 1_000L * i, values(0, i), null, i).raisesAlert() ? 1 : 0;
        }
        assertTrue(raisedUnderV1 > 0, "precondition: version 1's moments make the series raise");
        // version 2 ships none: the series (no history kept) starts afresh and is judged on its plain |z|
        LatentFilter plain = filter(2, null);
        SeriesMonitor reference = new SeriesMonitor(SETTINGS);
        InMemorySeries fresh = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        for (int i = 10; i < 40; i++) {
            long t = 1_000L * i;
            SeriesMonitor.Verdict swapped = monitor.step(series, plain, t, values(0, i), null, i);
            SeriesMonitor.Verdict expected = reference.step(fresh, plain, t, values(0, i), null, i);
            assertEquals(expected.raisesAlert(), swapped.raisesAlert(), "observation " + i);
            assertTrue(!swapped.raisesAlert(), "observation " + i);
        }
    }

    @Test
    void aReadyLivePoolJudgesInsteadOfTheShippedMoments() {
        // a pool ready after 5 ordinary events in a bucket, pooling every score (|z| < 64)
        MonitorSettings withPool = SETTINGS.withPooledWarmUp(new PooledWarmUp(5, 64));
        LatentFilter narrow = filter(1, independent(0.01));
        assertEquals(1, raises(new SeriesMonitor(withPool), narrow, 11, 30).get(0),
                "before the pool is ready the shipped moments judge");
        // the same model (id, version, parameters) without shipped moments fills the pool with ordinary scores
        SeriesMonitor filled = new SeriesMonitor(withPool);
        LatentFilter same = filter(1, null);
        for (int other = 1; other <= 10; other++) {
            assertEquals(List.of(), raises(filled, same, other, 30), "series " + other);
        }
        assertEquals(List.of(), raises(filled, narrow, 11, 30), "the pool's own moments: ordinary scores are ordinary");
    }
}
