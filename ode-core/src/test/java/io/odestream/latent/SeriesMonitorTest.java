package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import io.odestream.ode.SolverException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of watching one series, as {@link SeriesMonitor} applies them for every caller. */
class SeriesMonitorTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 4, 8, new int[] {16}, new int[] {16}, 1000.0);
    private static final LatentFilter FILTER = new LatentFilter(LatentOdeModel.create(SPEC, 11), "m", 1);
    private static final SeriesMonitor.RowUpdater SOLVER_FAILS =
            u -> BatchUpdater.Outcome.failed(new SolverException(SolverException.Reason.NON_FINITE_STATE, "test",
                    0, 0, 0, "made to fail"));
    private static final MonitorSettings SETTINGS = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);

    private final SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
    private final double[] x = {0.1, -0.2, 0.3};
    private final boolean[] all = {true, true, true};

    /**
     * The kinds of score recorded with a series' calibration are kept in state: the first modes' kinds
     * stay what state written before holds (1–4), and every mode, with and without a residual scorer,
     * has its own.
     */
    @Test
    void everyKindOfScoreKeepsItsNumberInState() {
        assertEquals(1, SeriesMonitor.scoreKind(ScoreMode.MONTE_CARLO, false));
        assertEquals(2, SeriesMonitor.scoreKind(ScoreMode.SIGMA_POINTS, false));
        assertEquals(3, SeriesMonitor.scoreKind(ScoreMode.MONTE_CARLO, true));
        assertEquals(4, SeriesMonitor.scoreKind(ScoreMode.SIGMA_POINTS, true));
        java.util.Set<Integer> kinds = new java.util.HashSet<>();
        for (ScoreMode mode : ScoreMode.values()) {
            kinds.add(SeriesMonitor.scoreKind(mode, false));
            kinds.add(SeriesMonitor.scoreKind(mode, true));
        }
        assertEquals(2 * ScoreMode.values().length, kinds.size(), "one kind each: " + kinds);
    }

    @Test
    void theFirstObservationOfASeriesIsAbsorbedNotScored() {
        InMemorySeries s = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, 1_000, x, all, 7);
        assertEquals(SeriesMonitor.Kind.ABSORBED, v.kind());
        assertNull(v.score());
        assertNull(v.decision(), "nothing for the alert policy to judge");
        assertEquals(FILTER.update(FILTER.start(1_000), 1_000, x, all), s.state());
    }

    @Test
    void laterObservationsAreScoredFromTheStateBeforeThemThenAbsorbed() {
        InMemorySeries s = new InMemorySeries(null);
        monitor.step(s, FILTER, 1_000, x, all, 7);
        FilterState before = s.state();
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, 2_000, x, all, 9);
        assertEquals(SeriesMonitor.Kind.SCORED, v.kind());
        assertSame(before, v.update().state());
        Score expected = FILTER.score(before, 2_000, x, all, SETTINGS.scoreMode(), SETTINGS.scoreSamples(), 9);
        assertEquals(expected.negativeLogDensity(), v.score().negativeLogDensity(), 0.0);
        // absorbed: the next state carries the step the score's solve ended with
        assertEquals(FILTER.update(before, 2_000, x, all, FILTER.lastScoreStep()), s.state());
    }

    @Test
    void theAlertPolicyJudgesEveryScoreOfASeriesThatIsAlertedOn() {
        AlertTrack track = SETTINGS.alertPolicy().newTrack();
        InMemorySeries alerted = new InMemorySeries(track);
        InMemorySeries quiet = new InMemorySeries(null);
        for (int i = 0; i < 4; i++) {
            SeriesMonitor.Verdict a = monitor.step(alerted, FILTER, 1_000 + i * 1_000L, x, all, i);
            SeriesMonitor.Verdict q = monitor.step(quiet, FILTER, 1_000 + i * 1_000L, x, all, i);
            assertEquals(i > 0, a.decision() != null, "observation " + i);
            assertNull(q.decision(), "a series without an alert track is scored only");
        }
        assertEquals(3, track.history(), "the three scores joined the series' calibration sample");
    }

    @Test
    void theAlertPolicyIsGivenTheObservedValuesForItsValueLevel() {
        MonitorSettings settings = new MonitorSettings(AlertPolicy.defaults().withValueLevel(true), 8, 8, 16);
        SeriesMonitor valueLevel = new SeriesMonitor(settings);
        AlertTrack track = settings.alertPolicy().newTrack();
        InMemorySeries s = new InMemorySeries(track);
        boolean[] secondMissing = {true, false, true};
        valueLevel.step(s, FILTER, 1_000, x, all, 1);
        valueLevel.step(s, FILTER, 2_000, x, secondMissing, 2);
        int stride = track.recent.length; // the rings' capacity now, up to the window
        assertEquals(3 * stride, track.recentValues.length, "one ring of values per channel");
        assertEquals(x[0], track.recentValues[0], 0.0, "the first scored observation's first channel");
        assertTrue(Double.isNaN(track.recentValues[stride]), "its second channel was not observed");
        assertEquals(x[2], track.recentValues[2 * stride], 0.0);
    }

    @Test
    void theAlertPolicyJudgesTheLargestAbsoluteZOfTheObservedChannels() {
        assertEquals(4.0, SeriesMonitor.maxAbsZ(new double[] {1.5, Double.NaN, -4.0}), 0.0);
        assertTrue(Double.isNaN(SeriesMonitor.maxAbsZ(new double[] {Double.NaN, Double.NaN})), "nothing observed");
        assertTrue(Double.isNaN(SeriesMonitor.maxAbsZ(null)));
    }

    @Test
    void aNewSeriesIsJudgedOnItsZScoresSoAFarJumpAlertsAtOnce() {
        AlertPolicy policy = SETTINGS.alertPolicy();
        InMemorySeries s = new InMemorySeries(policy.newTrack());
        for (int i = 0; i < 4; i++) {
            monitor.step(s, FILTER, 1_000 + i * 1_000L, x, all, i);
        }
        double[] jump = {1e6, -0.2, 0.3};
        AlertTrack before = s.alerts().copy();
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, 5_000, jump, all, 5);
        double z = SeriesMonitor.maxAbsZ(v.score().zScores());
        assertTrue(z > policy.warmUpZ(), "the jump is far outside the predictive: |z| = " + z);
        assertEquals(policy.observe(before, 5_000, v.score().negativeLogDensity(), z), v.decision());
        assertTrue(v.raisesAlert(), "its fifth event, an alert");
    }

    @Test
    void aSolverFailureKeepsTheLastGoodState() {
        InMemorySeries s = new InMemorySeries(null);
        monitor.step(s, FILTER, 1_000, x, all, 1);
        FilterState good = s.state();
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, SOLVER_FAILS, 2_000, x, all, 2);
        assertEquals(SeriesMonitor.Kind.KEPT_LAST_GOOD, v.kind());
        assertNotNull(v.failure());
        assertNull(v.score(), "a failed observation has no score");
        assertSame(good, s.state());
        assertEquals(1, s.consecutiveFailures());
    }

    @Test
    void anInfiniteScoreIsTheStatesFailureNotASurpriseTheAlertPolicyJudges() {
        // a collapsed predictive: the true update's next state, but a score of +∞ (as NAB's ec2_network_in_257a54
        // gave for 1 373 rows once it first did)
        SeriesMonitor.RowUpdater collapsed = u -> {
            BatchUpdater.Outcome real = FilterBatchUpdater.scoreAndUpdate(FILTER, u);
            Score s = real.score();
            return new BatchUpdater.Outcome(new Score(Double.POSITIVE_INFINITY, s.zScores(), s.observedChannels(),
                    s.predictiveMeans()), real.next(), null);
        };
        InMemorySeries s = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        monitor.step(s, FILTER, 1_000, x, all, 1);
        FilterState good = s.state();
        int scoresBefore = s.alerts().size;
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, collapsed, 2_000, x, all, 2);
        assertEquals(SeriesMonitor.Kind.KEPT_LAST_GOOD, v.kind());
        assertEquals(SolverException.Reason.PREDICTIVE_COLLAPSED, v.failure().reason(), v.failure().getMessage());
        assertNull(v.decision(), "the alert policy never sees it");
        assertSame(good, s.state());
        assertEquals(scoresBefore, s.alerts().size, "nor does the series' calibration");
        SeriesMonitor eager = new SeriesMonitor(SETTINGS.withRestartAfterFailures(1));
        assertEquals(SeriesMonitor.Kind.RESTARTED, eager.step(s, FILTER, collapsed, 3_000, x, all, 3).kind());
        assertEquals(3_000, s.state().originMillis(), "a fresh start from the observation");
    }

    @Test
    void afterTheConfiguredFailuresInARowTheSeriesRestartsFromTheFailingObservation() {
        InMemorySeries s = new InMemorySeries(null);
        monitor.step(s, FILTER, 1_000, x, all, 1);
        List<SeriesMonitor.Kind> kinds = new ArrayList<>();
        for (int i = 1; i <= SETTINGS.restartAfterFailures(); i++) {
            kinds.add(monitor.step(s, FILTER, SOLVER_FAILS, 1_000 + i * 1_000L, x, all, i).kind());
        }
        assertEquals(List.of(SeriesMonitor.Kind.KEPT_LAST_GOOD, SeriesMonitor.Kind.KEPT_LAST_GOOD,
                SeriesMonitor.Kind.RESTARTED), kinds);
        long t = 1_000 + SETTINGS.restartAfterFailures() * 1_000L;
        assertEquals(FILTER.update(FILTER.start(t), t, x, all), s.state(), "earlier history forgotten");
        assertEquals(0, s.consecutiveFailures());
    }

    @Test
    void restartingAfterOneFailureRestartsAtTheFirstFailure() {
        SeriesMonitor eager = new SeriesMonitor(SETTINGS.withRestartAfterFailures(1));
        InMemorySeries s = new InMemorySeries(null);
        eager.step(s, FILTER, 1_000, x, all, 1);
        assertEquals(SeriesMonitor.Kind.RESTARTED, eager.step(s, FILTER, SOLVER_FAILS, 2_000, x, all, 2).kind());
        assertEquals(2_000, s.state().originMillis());
    }

    @Test
    void aGoodUpdateClearsTheFailuresInARow() {
        InMemorySeries s = new InMemorySeries(null);
        monitor.step(s, FILTER, 1_000, x, all, 1);
        monitor.step(s, FILTER, SOLVER_FAILS, 2_000, x, all, 2);
        monitor.step(s, FILTER, SOLVER_FAILS, 3_000, x, all, 3);
        assertEquals(SeriesMonitor.Kind.SCORED, monitor.step(s, FILTER, 4_000, x, all, 4).kind());
        assertEquals(0, s.consecutiveFailures());
        assertEquals(SeriesMonitor.Kind.KEPT_LAST_GOOD, monitor.step(s, FILTER, SOLVER_FAILS, 5_000, x, all, 5).kind());
    }

    @Test
    void afterAModelChangeTheSeriesIsReencodedFromItsRecentObservations() {
        KeptSeries s = new KeptSeries(null, Integer.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            monitor.step(s, FILTER, 1_000 + i * 1_000L, x, all, i);
        }
        LatentFilter next = new LatentFilter(LatentOdeModel.create(SPEC, 12), "m", 2);
        SeriesMonitor.Prepared p = monitor.prepare(s, next, 4_000, x, all, 4);
        assertTrue(p.encoding().reencoded());
        assertFalse(p.first(), "a re-encoded series is scored at once");
        FilterState expected = next.start(1_000);
        for (int i = 0; i < 3; i++) {
            expected = next.update(expected, 1_000 + i * 1_000L, x, all);
        }
        assertEquals(expected, p.update().state());
    }

    @Test
    void aSeriesWithoutHistoryStartsAfreshUnderANewModel() {
        InMemorySeries s = new InMemorySeries(null);
        monitor.step(s, FILTER, 1_000, x, all, 1);
        LatentFilter next = new LatentFilter(LatentOdeModel.create(SPEC, 12), "m", 2);
        SeriesMonitor.Verdict v = monitor.step(s, next, 2_000, x, all, 2);
        assertEquals(SeriesMonitor.Kind.ABSORBED, v.kind());
        assertEquals(2, s.state().modelVersion());
    }

    @Test
    void everyObservationGoesIntoTheHistoryFailedOrNot() {
        KeptSeries s = new KeptSeries(null, Integer.MAX_VALUE);
        monitor.step(s, FILTER, 1_000, x, all, 1);
        monitor.step(s, FILTER, SOLVER_FAILS, 2_000, x, all, 2);
        monitor.step(s, FILTER, 3_000, x, all, 3);
        assertArrayEquals(new long[] {1_000, 2_000, 3_000}, s.times.stream().mapToLong(Long::longValue).toArray());
    }

    @Test
    void preparingAndAbsorbingSeparatelyIsTheOneCallStep() {
        InMemorySeries one = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        InMemorySeries two = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        BatchUpdater batch = new FilterBatchUpdater(FILTER);
        for (int i = 0; i < 3; i++) {
            long t = 1_000 + i * 1_000L;
            SeriesMonitor.Verdict a = monitor.step(one, FILTER, t, x, all, i);
            SeriesMonitor.Prepared p = monitor.prepare(two, FILTER, t, x, all, i);
            SeriesMonitor.Verdict b = monitor.absorb(two, FILTER, p.update(), batch.scoreAndUpdate(List.of(p.update()))[0]);
            assertEquals(a.kind(), b.kind());
            assertEquals(a.score() == null ? null : a.score().negativeLogDensity(),
                    b.score() == null ? null : b.score().negativeLogDensity());
            assertEquals(one.state(), two.state());
        }
    }
}
