package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A series' alert calibration holds the scores of one producer, the model version and the kind of
 * score that made them: raw scores of two models, or of Monte Carlo and sigma points, are on
 * different scales and must not sit in one calibration sample. When the producer changes the
 * calibration restarts and the warm-up rule judges the series until it has the policy's
 * {@code minHistory} scores of the new one — unless the series keeps its recent observations: then
 * the new calibration is refilled at once from them, scored under the new producer.
 */
class SeriesMonitorCalibrationTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 4, 8, new int[] {16}, new int[] {16}, 1000.0);
    private static final LatentOdeModel MODEL = LatentOdeModel.create(SPEC, 11);
    /** The same weights deployed as two versions: a swap changes the producer even when nothing else moves. */
    private static final LatentFilter V1 = new LatentFilter(MODEL, "m", 1);
    private static final LatentFilter V2 = new LatentFilter(MODEL, "m", 2);
    private static final MonitorSettings SIGMA = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);
    private static final MonitorSettings MONTE_CARLO = SIGMA.withScoreMode(ScoreMode.MONTE_CARLO);

    private final double[] x = {0.1, -0.2, 0.3};
    private final boolean[] all = {true, true, true};

    @Test
    void scoresOfOneModelAndOneModeBuildOneSample() {
        AlertTrack track = SIGMA.alertPolicy().newTrack();
        InMemorySeries s = new InMemorySeries(track);
        steps(new SeriesMonitor(SIGMA), V1, s, 0, 6);
        assertEquals(5, track.history(), "every score after the first observation");
        assertEquals(1L, track.producerModelVersion);
    }

    @Test
    void aModelSwapRestartsTheSeriesCalibration() {
        AlertTrack track = SIGMA.alertPolicy().newTrack();
        InMemorySeries s = new InMemorySeries(track);
        SeriesMonitor monitor = new SeriesMonitor(SIGMA);
        steps(monitor, V1, s, 0, 6);
        // no history to re-encode from: the first observation under v2 starts the series, the second is scored
        steps(monitor, V2, s, 6, 2);
        assertEquals(1, track.history(), "only v2's score: v1's five are not v2's scale");
        assertEquals(2L, track.producerModelVersion);
        steps(monitor, V2, s, 8, 3);
        assertEquals(4, track.history(), "v2's scores build the new sample");
    }

    @Test
    void aRestoreUnderAnotherScoreModeRestartsTheSeriesCalibration() {
        AlertTrack track = SIGMA.alertPolicy().newTrack();
        InMemorySeries s = new InMemorySeries(track);
        steps(new SeriesMonitor(MONTE_CARLO), V1, s, 0, 6);
        assertEquals(5, track.history());
        steps(new SeriesMonitor(SIGMA), V1, s, 6, 1); // same state, same model: the series was restored
        assertEquals(1, track.history(), "the Monte-Carlo scores left the sample");
        steps(new SeriesMonitor(SIGMA, (z, gap) -> 1.0), V1, s, 7, 1);
        assertEquals(1, track.history(), "a residual scorer's scores are another kind again");
    }

    @Test
    void afterARestartTheWarmUpRuleJudgesUntilTheNewSampleIsLargeEnough() {
        // calibrated after 4 scores; the warm-up rule on |z| before
        AlertPolicy policy = new AlertPolicy(16, 4, 0.2, 12.0, 0.5, 0L, Double.NEGATIVE_INFINITY, 0, 1,
                AlertPolicy.DEFAULT_ESCALATION_NATS, AlertPolicy.DEFAULT_WARM_UP_Z);
        MonitorSettings settings = new MonitorSettings(policy, 8, 8, 16);
        AlertTrack track = policy.newTrack();
        InMemorySeries s = new InMemorySeries(track);
        SeriesMonitor monitor = new SeriesMonitor(settings);
        steps(monitor, V1, s, 0, 8);
        assertTrue(track.history() >= policy.minHistory(), "calibrated under v1");
        steps(monitor, V2, s, 8, 2);
        assertTrue(track.history() < policy.minHistory(), "under v2 the series is in warm-up again");
    }

    /**
     * Calibrated after 16 scores, alpha 1 %, tails on the top 8; the warm-up rule can never trigger
     * (no |z| rule, an infinite raw threshold), so an alert proves the calibrated rule judged.
     */
    private static final AlertPolicy BLIND_WARM_UP = new AlertPolicy(64, 16, 0.01, Double.POSITIVE_INFINITY, 0.05,
            0L, Double.NEGATIVE_INFINITY, 8, 1, AlertPolicy.DEFAULT_ESCALATION_NATS, Double.NaN);
    private static final MonitorSettings KEEPING = new MonitorSettings(BLIND_WARM_UP, 8, 8, 32);
    /** Far outside the 5 % noise around the base values. */
    private static final double[] JUMP = {5.1, -5.2, 5.3};

    private final SeriesMonitor keeping = new SeriesMonitor(KEEPING);
    private final Random noise = new Random(7);

    @Test
    void afterASwapTheCalibrationIsRefilledFromTheKeptHistory() {
        KeptSeries s = keptUnderV1(32);
        keeping.prepare(s, V2, 41_000L, ordinary(), all, 0);
        assertEquals(31, s.alerts().history(), "each of the 32 kept observations after the first, scored under v2");
        assertEquals(2L, s.alerts().producerModelVersion);
        assertTrue(s.alerts().history() >= BLIND_WARM_UP.minHistory(), "calibrated before v2's first own score");
    }

    @Test
    void rightAfterASwapALargeJumpAlertsAndOrdinaryValuesDoNot() {
        KeptSeries s = keptUnderV1(32);
        for (int i = 40; i < 46; i++) {
            assertFalse(keeping.step(s, V2, 1_000L * (i + 1), ordinary(), all, i).raisesAlert(),
                    "ordinary value " + (i - 40) + " after the swap");
        }
        assertTrue(keeping.step(s, V2, 47_000L, JUMP, all, 46).raisesAlert(), "judged by the refilled calibration");
    }

    @Test
    void withoutAKeptHistoryTheSameJumpIsJudgedByTheWarmUpRule() {
        InMemorySeries s = new InMemorySeries(BLIND_WARM_UP.newTrack());
        noisy(keeping, V1, s, 0, 40);
        noisy(keeping, V2, s, 40, 6);
        assertFalse(keeping.step(s, V2, 47_000L, JUMP, all, 46).raisesAlert(),
                "the warm-up rule (blind here) still judges: 5 scores of v2 are fewer than minHistory");
    }

    @Test
    void aHistoryShorterThanMinHistoryLeavesTheWarmUpRuleJudging() {
        KeptSeries s = keptUnderV1(8);
        assertFalse(keeping.step(s, V2, 41_000L, JUMP, all, 40).raisesAlert(),
                "7 refilled scores and this one are too few to calibrate");
        assertEquals(8, s.alerts().history(), "the 7 refilled scores, then this one");
    }

    @Test
    void aRestoreUnderAnotherScoreModeRefillsFromAFreshPassAndKeepsTheState() {
        KeptSeries s = new KeptSeries(BLIND_WARM_UP.newTrack(), 32);
        noisy(new SeriesMonitor(KEEPING.withScoreMode(ScoreMode.MONTE_CARLO)), V1, s, 0, 40);
        FilterState stored = s.inner.state();
        int monteCarloKind = s.alerts().producerKind;
        keeping.prepare(s, V1, 41_000L, ordinary(), all, 0);
        assertSame(stored, s.inner.state(), "the series' state is not re-encoded");
        assertTrue(s.alerts().producerKind != monteCarloKind, "the sample holds sigma-point scores now");
        assertEquals(31, s.alerts().history(), "the kept history scored from a fresh start");
    }

    /** A series keeping its last {@code capacity} observations, calibrated on 40 of them under v1. */
    private KeptSeries keptUnderV1(int capacity) {
        KeptSeries s = new KeptSeries(BLIND_WARM_UP.newTrack(), capacity);
        noisy(keeping, V1, s, 0, 40);
        return s;
    }

    /** {@code n} observations 1 s apart from second {@code from}: the base values plus 5 % noise. */
    private void noisy(SeriesMonitor monitor, LatentFilter filter, MonitoredSeries s, int from, int n) {
        for (int i = from; i < from + n; i++) {
            monitor.step(s, filter, 1_000L * (i + 1), ordinary(), all, i);
        }
    }

    /** The base values plus 5 % noise. */
    private double[] ordinary() {
        double[] v = x.clone();
        for (int c = 0; c < v.length; c++) {
            v[c] += 0.05 * noise.nextGaussian();
        }
        return v;
    }

    /** {@code n} observations 1 s apart from second {@code from}, the same values each time. */
    private void steps(SeriesMonitor monitor, LatentFilter filter, InMemorySeries s, int from, int n) {
        for (int i = from; i < from + n; i++) {
            monitor.step(s, filter, 1_000L * (i + 1), x, all, i);
        }
    }
}
