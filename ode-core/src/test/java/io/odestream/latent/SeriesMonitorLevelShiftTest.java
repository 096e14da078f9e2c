package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import org.junit.jupiter.api.Test;

/**
 * A series whose level leaves the range its model was trained on moves its frame
 * ({@link MonitorSettings#levelShift}): the rules of the shared per-series step.
 */
class SeriesMonitorLevelShiftTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 4, 8, new int[] {16}, new int[] {16}, 1000.0);
    private static final LatentFilter FILTER = new LatentFilter(LatentOdeModel.create(SPEC, 11), "m", 1);
    private static final MonitorSettings SETTINGS = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16)
            .withLevelShift(new LevelShift(3, 8));
    /** Channel 0 moves 50 training σ up; the others stay. */
    private static final double[] MOVE = {50, 0, 0};

    private final SeriesMonitor monitor = new SeriesMonitor(SETTINGS);
    private final double[] x = {0.1, -0.2, 0.3};
    private final boolean[] all = {true, true, true};

    @Test
    void theObservationThatCompletesTheRunRestartsTheSeriesInTheNewFrame() {
        InMemorySeries s = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        long t = feed(s, 0, 20, new double[3]);
        t = feed(s, t, 2, MOVE);
        assertNull(s.levelFrame().shifted() ? "moved" : null, "two rows beyond the bound move nothing");
        double[] third = moved(x);
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, t, third, all, 1);
        assertEquals(SeriesMonitor.Kind.SCORED, v.kind(), "the move itself is scored in the old frame");
        assertTrue(v.frameMoved(), "and its verdict says it moved the frame");
        assertArrayEquals(third, v.update().values(), 0.0);
        assertArrayEquals(new double[] {50 + 0.1, 0, 0}, s.levelFrame().shift, 1e-12,
                "the run's mean lands on the training mean 0");
        double[] seen = new double[3];
        s.levelFrame().toFrame(third, seen);
        assertEquals(FILTER.update(FILTER.start(t), t, seen, all), s.state(), "restarted from it, in the new frame");
    }

    @Test
    void inAMovedFrameTheFilterSeesTheValuesShiftedBack() {
        InMemorySeries s = new InMemorySeries(SETTINGS.alertPolicy().newTrack());
        long t = feed(s, 0, 20, new double[3]);
        t = feed(s, t, 3, MOVE);
        double[] shift = s.levelFrame().shift.clone();
        FilterState before = s.state();
        double[] next = moved(x);
        SeriesMonitor.Verdict v = monitor.step(s, FILTER, t, next, all, 9);
        assertFalse(v.frameMoved());
        double[] expected = {next[0] - shift[0], next[1], next[2]};
        assertArrayEquals(expected, v.update().values(), 0.0);
        Score inFrame = FILTER.score(before, t, expected, all, SETTINGS.scoreMode(), SETTINGS.scoreSamples(), 9);
        assertEquals(inFrame.negativeLogDensity(), v.score().negativeLogDensity(), 0.0);
        assertTrue(v.score().negativeLogDensity() < 50,
                "an ordinary value at the new level is ordinary: " + v.score().negativeLogDensity());
    }

    @Test
    void withoutTheRuleALevelTheModelNeverSawScoresHugeForEver() {
        SeriesMonitor plain = new SeriesMonitor(new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16));
        InMemorySeries s = new InMemorySeries(null);
        long t = 0;
        for (int i = 0; i < 20; i++, t += 1_000) {
            plain.step(s, FILTER, t, x, all, i);
        }
        double last = Double.NaN;
        for (int i = 0; i < 30; i++, t += 1_000) {
            last = plain.step(s, FILTER, t, moved(x), all, i).score().negativeLogDensity();
        }
        assertNull(s.levelFrame());
        InMemorySeries shifted = new InMemorySeries(null);
        long u = feed(shifted, 0, 20, new double[3]);
        u = feed(shifted, u, 29, MOVE);
        double inFrame = monitor.step(shifted, FILTER, u, moved(x), all, 29).score().negativeLogDensity();
        assertTrue(last > 10 * inFrame && last > 100, "30 rows on, the unmoved series still scores " + last
                + " nats against the moved one's " + inFrame);
    }

    /**
     * The value-level test judges values in the series' frame: the rows that moved it were judged at
     * their level (in the old frame), the rows after it as the series' normal.
     */
    @Test
    void theAlertPolicyJudgesValuesInTheFrameOfTheirTime() {
        AlertPolicy withValues = AlertPolicy.defaults().withValueLevel(true);
        SeriesMonitor valued = new SeriesMonitor(new MonitorSettings(withValues, 8, 8, 16)
                .withLevelShift(new LevelShift(3, 8)));
        InMemorySeries s = new InMemorySeries(withValues.newTrack());
        long t = 0;
        for (int i = 0; i < 30; i++, t += 1_000) {
            valued.step(s, FILTER, t, i < 20 ? x : moved(x), all, i);
        }
        var track = s.alerts();
        int judgedAtTheNewLevel = 0;
        int judgedInTheNewFrame = 0;
        for (int i = 0; i < track.size; i++) {
            double v = track.recentValues[i]; // channel 0's ring: the first recent.length slots
            if (v > 25) {
                judgedAtTheNewLevel++;
            } else if (Math.abs(v - (x[0] + 50 - 50.1)) < 1e-9) {
                judgedInTheNewFrame++;
            }
        }
        assertEquals(29, track.size, "every observation after the first was scored and judged");
        assertEquals(3, judgedAtTheNewLevel, "the run that moved the frame, in the old frame");
        assertEquals(7, judgedInTheNewFrame, "the rows after it, shifted back");
    }

    /**
     * A new model re-encodes a moved series from the observation that moved its frame on, in the
     * frame: the ones before it lie at the old level, and the filter restarted after them too.
     */
    @Test
    void theHistoryKeepsTheDataAndAReencodingReadsItInTheSeriesFrameFromItsMove() {
        KeptSeries s = new KeptSeries(SETTINGS.alertPolicy().newTrack(), 16);
        long t = 0;
        for (int i = 0; i < 28; i++, t += 1_000) {
            monitor.step(s, FILTER, t, i < 20 ? x : moved(x), all, i);
        }
        double[] shift = s.levelFrame().shift.clone();
        assertEquals(50.1, shift[0], 1e-12);
        assertEquals(22_000, s.levelFrame().movedAtMillis, "the third row beyond the bound moved it");
        assertArrayEquals(moved(x), s.kept.get(s.kept.size() - 1), 0.0, "the data's own values");
        assertTrue(s.timeOf(0) < 22_000, "precondition: the history holds rows from before the move");
        // a new model version re-encodes the series from its history, in its frame
        LatentFilter swapped = new LatentFilter(FILTER.model(), "m", 2);
        SeriesMonitor.Encoding e = monitor.encode(s, swapped);
        assertTrue(e.reencoded());
        FilterState expected = null;
        double[] seen = new double[3];
        for (int i = 0; i < s.size(); i++) {
            if (s.timeOf(i) < 22_000) {
                continue;
            }
            double[] v = s.kept.get(i);
            for (int j = 0; j < 3; j++) {
                seen[j] = v[j] - shift[j];
            }
            expected = expected == null ? swapped.update(swapped.start(s.timeOf(i)), s.timeOf(i), seen, all)
                    : swapped.update(expected, s.timeOf(i), seen, all);
        }
        assertNotNull(expected);
        assertEquals(expected.hiddenView().length, e.state().hiddenView().length);
        assertArrayEquals(expected.hiddenView(), e.state().hiddenView(), 0.0);
    }

    /** {@code rows} observations of x + offset a second apart from {@code t}; the time after them. */
    private long feed(MonitoredSeries s, long t, int rows, double[] offset) {
        for (int i = 0; i < rows; i++, t += 1_000) {
            double[] v = {x[0] + offset[0], x[1] + offset[1], x[2] + offset[2]};
            monitor.step(s, FILTER, t, v, all, i);
        }
        return t;
    }

    private static double[] moved(double[] v) {
        return new double[] {v[0] + MOVE[0], v[1] + MOVE[1], v[2] + MOVE[2]};
    }
}
