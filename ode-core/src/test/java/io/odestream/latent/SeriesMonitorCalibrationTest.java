package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import org.junit.jupiter.api.Test;

/**
 * A series' alert calibration holds the scores of one producer, the model version and the kind of
 * score that made them: raw scores of two models, or of Monte Carlo and sigma points, are on
 * different scales and must not sit in one calibration sample. When the producer changes the
 * calibration restarts and the warm-up rule judges the series until it has the policy's
 * {@code minHistory} scores of the new one.
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

    /** {@code n} observations 1 s apart from second {@code from}, the same values each time. */
    private void steps(SeriesMonitor monitor, LatentFilter filter, InMemorySeries s, int from, int n) {
        for (int i = from; i < from + n; i++) {
            monitor.step(s, filter, 1_000L * (i + 1), x, all, i);
        }
    }
}
