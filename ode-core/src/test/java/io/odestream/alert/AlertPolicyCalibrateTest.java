package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertPolicy#calibrate} fills a series' calibration with scores it would have had (a model
 * swap re-scores the kept history) without judging them: the sample ends exactly as {@link
 * AlertPolicy#observe} would leave it, and the incident state is never touched.
 */
class AlertPolicyCalibrateTest {
    private static final long MINUTE = 60_000L;
    /** window 200, calibrated after 50, alpha 1 %, tails on the top 10, clear at 5 %, 10 min. */
    private static final AlertPolicy POINT = new AlertPolicy(200, 50, 0.01, 12.0, 0.05, 10 * MINUTE,
            Double.NEGATIVE_INFINITY, 10);
    /** The same with every test that keeps state of its own: short-window means and value levels. */
    private static final AlertPolicy ALL_TESTS = POINT.withShortWindow(8).withValueLevel(true);

    private static double score(double z) {
        return 0.5 * z * z + 0.5 * Math.log(2 * Math.PI);
    }

    @Test
    void calibratingLeavesTheSampleExactlyAsObservingWithTheDecisionsIgnored() {
        for (AlertPolicy policy : new AlertPolicy[] {POINT, ALL_TESTS}) {
            AlertTrack calibrated = policy.newTrack();
            AlertTrack observed = policy.newTrack();
            Random random = new Random(17);
            // past the window, so the rings wrap; every 37th score a jump that observe alerts on
            for (int i = 0; i < 450; i++) {
                double z = i % 37 == 36 ? 9.0 : random.nextGaussian();
                double[] values = {random.nextGaussian(), 3 * random.nextGaussian()};
                boolean[] mask = {true, i % 5 != 0};
                policy.calibrate(calibrated, score(z), values, mask);
                policy.observe(observed, i * MINUTE, score(z), z, values, mask);
            }
            assertArrayEquals(observed.recent, calibrated.recent, "score ring");
            assertArrayEquals(observed.recentMeans, calibrated.recentMeans, "short-window means");
            assertArrayEquals(observed.surprisals, calibrated.surprisals, "recent surprisals");
            assertArrayEquals(observed.recentValues, calibrated.recentValues, "value levels");
            assertEquals(observed.size, calibrated.size);
            assertEquals(observed.next, calibrated.next);
            assertEquals(observed.surprisalNext, calibrated.surprisalNext);
        }
    }

    @Test
    void calibrateNeverOpensAnIncident() {
        AlertTrack track = ALL_TESTS.newTrack();
        Random random = new Random(3);
        for (int i = 0; i < 100; i++) {
            ALL_TESTS.calibrate(track, score(random.nextGaussian()), new double[] {random.nextGaussian()}, null);
        }
        AlertTrack judged = track.copy();
        ALL_TESTS.calibrate(track, score(40), new double[] {1e6}, null);
        assertFalse(track.open, "a surprise in the refill is history, not news");
        assertEquals(Long.MIN_VALUE, track.raisedAtMillis);
        assertTrue(ALL_TESTS.observe(judged, 0, score(40), 40, new double[] {1e6}, null).raise(),
                "the same surprise observed does alert");
    }

    @Test
    void calibrateLeavesAnOpenIncidentAsItWas() {
        AlertTrack track = POINT.newTrack();
        Random random = new Random(5);
        for (int i = 0; i < 100; i++) {
            POINT.observe(track, i * MINUTE, score(random.nextGaussian()));
        }
        assertTrue(POINT.observe(track, 100 * MINUTE, score(30)).raise());
        POINT.observe(track, 101 * MINUTE, score(0.1)); // quiet since 101 min
        AlertTrack before = track.copy();
        for (int i = 0; i < 300; i++) {
            POINT.calibrate(track, score(random.nextGaussian()), null, null);
        }
        POINT.calibrate(track, score(60), null, null);
        assertTrue(track.open, "no quiet stretch closes it: calibration has no clock");
        assertEquals(before.raisedAtMillis, track.raisedAtMillis);
        assertEquals(before.quietSinceMillis, track.quietSinceMillis);
        assertEquals(before.incidentPeak, track.incidentPeak, "a larger surprise does not escalate it");
    }

    @Test
    void aNaNScoreCalibratesNothing() {
        AlertTrack track = POINT.newTrack();
        POINT.calibrate(track, Double.NaN, null, null);
        assertEquals(0, track.history());
    }
}
