package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The alert policy's contract: calibrated probabilities, the warm-up rule, one alert per incident,
 * a new alert after the cool-down. Scores are Gaussian negative log densities of seeded noise
 * ({@code z²/2 + ½·log 2π}), one every minute.
 */
class AlertPolicyTest {
    private static final long MINUTE = 60_000L;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    /** window 500, calibrated after 100 scores, alpha 1 %, warm-up threshold 8 nats, clear at p > 10 %, 5 min cool-down. */
    private static final AlertPolicy POLICY = new AlertPolicy(500, 100, 0.01, 8.0, 0.10, 5 * MINUTE);

    private static double noiseScore(Random random) {
        double z = random.nextGaussian();
        return 0.5 * z * z + LOG_SQRT_2PI;
    }

    /** Feeds {@code scores} one per minute from minute {@code from}; returns the minutes at which alerts were raised. */
    private static List<Integer> raises(AlertPolicy policy, AlertTrack track, double[] scores, int from) {
        List<Integer> raised = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (policy.observe(track, (from + i) * MINUTE, scores[i]).raise()) {
                raised.add(from + i);
            }
        }
        return raised;
    }

    /**
     * Closes any incident the noise may have opened (stationary noise raises at rate alpha, see
     * {@link #onStationaryNoiseAlertsOccurAtRateAlpha}): 6 minutes of scores below all noise scores
     * (≥ ½·log 2π) are quiet for longer than the 5-minute cool-down.
     */
    private static void settle(AlertTrack track, int from) {
        raises(POLICY, track, new double[] {0, 0, 0, 0, 0, 0}, from);
        assertFalse(track.open);
    }

    private static double[] noise(Random random, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = noiseScore(random);
        }
        return s;
    }

    @Test
    void duringWarmUpTheRawScoreIsComparedWithTheDefaultThreshold() {
        AlertTrack track = POLICY.newTrack();
        // 50 scores of exactly 1 nat: a score of 7 is far above all of them but below the default threshold 8
        for (int i = 0; i < 50; i++) {
            assertFalse(POLICY.observe(track, i * MINUTE, 1.0).raise());
        }
        AlertDecision belowDefault = POLICY.observe(track, 50 * MINUTE, 7.0);
        assertFalse(belowDefault.raise(), "7 < defaultThreshold 8 must not raise during warm-up");
        assertEquals(50.0 / 51.0, belowDefault.anomalyProbability(), 1e-12, "still calibrated on the 50 scores");
        AlertDecision atDefault = POLICY.observe(track, 51 * MINUTE, 8.0);
        assertTrue(atDefault.raise(), "a score at the default threshold raises during warm-up");
        assertEquals(8.0, atDefault.threshold(), "the warm-up alert reports the default threshold");
    }

    @Test
    void afterWarmUpTheSeriesOwnScoresDecide() {
        AlertTrack track = POLICY.newTrack();
        for (int i = 0; i < 100; i++) {
            POLICY.observe(track, i * MINUTE, 1.0 + 0.01 * (i % 10)); // scores in [1.00, 1.09]
        }
        // 7 nats, below the default threshold, is now far beyond anything the series has produced
        AlertDecision d = POLICY.observe(track, 100 * MINUTE, 7.0);
        assertTrue(d.raise(), "p = 1/101 <= alpha = 0.01 once the series has minHistory = 100 scores");
        assertEquals(100.0 / 101.0, d.anomalyProbability(), 1e-12);
    }

    @Test
    void aSpikeInStationaryNoiseIsRaisedOnceAtTheSpike() {
        Random random = new Random(11);
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(random, 600), 0);
        settle(track, 600);
        // the spike lasts 3 minutes, then noise resumes
        double[] spike = {30, 28, 25};
        List<Integer> during = raises(POLICY, track, spike, 606);
        assertEquals(List.of(606), during, "one alert, at the spike's first score");
        assertTrue(track.open, "the incident is open while the spike lasts");
        assertEquals(606 * MINUTE, track.raisedAtMillis);
        raises(POLICY, track, noise(random, 30), 609);
        assertFalse(track.open, "half an hour of noise later the incident has closed");
    }

    @Test
    void onStationaryNoiseAlertsOccurAtRateAlpha() {
        // without hysteresis (cool-down 0, clear as soon as p > alpha) every raise is one score with p <= alpha;
        // for exchangeable scores P(p <= alpha) = floor(alpha (n+1)) / (n+1) = 5/500 ≈ 0.01 for n = 499
        AlertPolicy noHysteresis = new AlertPolicy(499, 100, 0.01, 8.0, 0.01, 0);
        Random random = new Random(12);
        AlertTrack track = noHysteresis.newTrack();
        raises(noHysteresis, track, noise(random, 499), 0);
        int n = 40_000;
        int raised = raises(noHysteresis, track, noise(random, n), 499).size();
        double rate = (double) raised / n;
        // binomial standard error sqrt(0.01·0.99/40000) = 0.0005: ±3 SE
        assertEquals(0.01, rate, 0.0015, "false-alarm rate on stationary noise (" + raised + " of " + n + ")");
    }

    @Test
    void aSustainedIncidentOfFiftyHighScoresIsOneAlert() {
        Random random = new Random(13);
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(random, 300), 0);
        settle(track, 300);
        double[] incident = new double[50];
        for (int i = 0; i < incident.length; i++) {
            incident[i] = 20 + 5 * random.nextDouble(); // every one far above the noise
        }
        // the k-th high score has at most k−1 ≥ it in a ring of ~500, p ≤ 50/501 < clearAlpha: never quiet
        assertEquals(List.of(306), raises(POLICY, track, incident, 306), "50 high scores in a row, one alert");
        assertTrue(track.open);
    }

    @Test
    void afterTheCoolDownASecondIncidentIsASecondAlertButNotBefore() {
        Random random = new Random(14);
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(random, 300), 0);
        settle(track, 300);
        assertEquals(List.of(306), raises(POLICY, track, new double[] {30, 30, 30}, 306));
        // 3 quiet minutes (< the 5-minute cool-down), then high again: the same incident
        double[] quietThenHigh = {1, 1, 1, 30, 30};
        assertEquals(List.of(), raises(POLICY, track, quietThenHigh, 309), "a relapse inside the cool-down is the same incident");
        // quiet from minute 314 on: at minute 319 it has been quiet for 5 minutes and the incident closes
        raises(POLICY, track, new double[] {1, 1, 1, 1, 1}, 314);
        assertTrue(track.open, "4 minutes of quiet are not enough");
        raises(POLICY, track, new double[] {1}, 319);
        assertFalse(track.open, "closed after 5 minutes of quiet scores");
        // 40 is above the five 30s now in the ring too
        assertEquals(List.of(320), raises(POLICY, track, new double[] {40, 40}, 320), "a second incident, a second alert");
    }

    @Test
    void aSilentGapAfterAQuietScoreCountsTowardsTheCoolDown() {
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(new Random(15), 300), 0);
        settle(track, 300);
        assertEquals(List.of(306), raises(POLICY, track, new double[] {30, 1}, 306)); // quiet from 307
        // nothing observed for an hour, then a new spike: the incident ended during the silence
        assertTrue(POLICY.observe(track, 367 * MINUTE, 30).raise());
    }

    @Test
    void theReportedThresholdSeparatesRaisingFromNotRaisingScores() {
        Random random = new Random(16);
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(random, 500), 0);
        settle(track, 500);
        AlertTrack probe = track.copy();
        AlertDecision d = POLICY.observe(probe, 506 * MINUTE, 50.0);
        assertTrue(d.raise());
        double threshold = d.threshold();
        assertTrue(threshold > 2 && threshold < 10, "the 99th percentile of χ²/2 noise scores, got " + threshold);
        assertTrue(POLICY.observe(track.copy(), 506 * MINUTE, Math.nextUp(threshold)).raise(), "just above raises");
        assertFalse(POLICY.observe(track.copy(), 506 * MINUTE, threshold).raise(), "at the threshold does not");
        AlertDecision none = POLICY.observe(track, 506 * MINUTE, 0.0);
        assertTrue(Double.isNaN(none.threshold()), "no threshold without a raise");
    }

    @Test
    void probabilityIsInTheUnitIntervalAndMonotoneInTheScore() {
        Random random = new Random(17);
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(random, 700), 0); // the 500-score ring has wrapped
        double previous = -1;
        for (double s = -5; s <= 40; s += 0.01) {
            double p = POLICY.anomalyProbability(track, s);
            assertTrue(p >= 0 && p <= 1, "probability " + p + " for score " + s);
            assertTrue(p >= previous, "not monotone at score " + s);
            previous = p;
        }
        assertEquals(0.0, POLICY.anomalyProbability(track, -5), "below every recent score");
        assertEquals(500.0 / 501.0, POLICY.anomalyProbability(track, 40), 1e-12, "above every recent score");
        assertEquals(1 - 1.0 / 501, POLICY.anomalyProbability(track, Double.POSITIVE_INFINITY), 1e-12);
        AlertTrack before = track.copy();
        assertEquals(POLICY.anomalyProbability(track, 3.0), POLICY.observe(track, 700 * MINUTE, 3.0).anomalyProbability(),
                "observe reports the probability the query gives");
        assertNotEquals(before, track);
        assertEquals(0.0, POLICY.observe(POLICY.newTrack(), 0, 5.0).anomalyProbability(), "no history, no evidence");
    }

    @Test
    void nanScoresChangeNothing() {
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(new Random(18), 200), 0);
        POLICY.observe(track, 200 * MINUTE, 40.0); // open an incident
        AlertTrack before = track.copy();
        AlertDecision d = POLICY.observe(track, 201 * MINUTE, Double.NaN);
        assertEquals(before, track);
        assertFalse(d.raise());
        assertTrue(d.incidentOpen(), "reports the open incident");
        assertTrue(Double.isNaN(d.anomalyProbability()), "nothing observed, no probability");
    }

    @Test
    void aTrackCopyIsEqualAndIndependent() {
        AlertTrack track = POLICY.newTrack();
        raises(POLICY, track, noise(new Random(19), 150), 0);
        AlertTrack copy = track.copy();
        assertEquals(track, copy);
        assertEquals(track.hashCode(), copy.hashCode());
        POLICY.observe(copy, 150 * MINUTE, 2.0);
        assertNotEquals(track, copy, "observing the copy leaves the original alone");
        assertEquals(150, track.history());
        assertEquals(151, copy.history());
    }

    @Test
    void aTrackFromAnotherWindowKeepsItsNewestScores() {
        AlertPolicy small = new AlertPolicy(10, 5, 0.2, 8.0, 0.5, 0);
        AlertTrack track = new AlertTrack(); // as Flink's POJO serializer creates it: no ring yet
        for (int i = 0; i < 25; i++) {
            small.observe(track, i, i); // scores 0..24, the ring keeps 15..24
        }
        assertEquals(10, track.history());
        AlertPolicy smaller = new AlertPolicy(4, 4, 0.2, 8.0, 0.5, 0);
        // the ring shrinks to the newest 4 (21..24): 22.5 is above two of them
        assertEquals(2.0 / 5.0, smaller.anomalyProbability(track, 22.5), 1e-12);
        smaller.observe(track, 25, 0.5);
        assertEquals(4, track.recent.length);
        assertEquals(4, track.history());
        assertEquals(4.0 / 5.0, smaller.anomalyProbability(track, 100), 1e-12);
        assertEquals(3.0 / 5.0, smaller.anomalyProbability(track, 23.5), 1e-12, "0.5 replaced 21: the ring is 0.5, 22, 23, 24");
    }

    @Test
    void badConfigurationIsRejectedWithTheArgumentNamed() {
        assertMessage("window", () -> new AlertPolicy(0, 1, 0.5, 8, 0.5, 0));
        assertMessage("minHistory", () -> new AlertPolicy(10, 11, 0.5, 8, 0.5, 0));
        assertMessage("minHistory", () -> new AlertPolicy(10, 0, 0.5, 8, 0.5, 0));
        assertMessage("alpha", () -> new AlertPolicy(10, 5, 0, 8, 0.5, 0));
        assertMessage("alpha", () -> new AlertPolicy(10, 5, 1, 8, 0.5, 0));
        assertMessage("raise minHistory to at least 99", () -> new AlertPolicy(1000, 50, 0.01, 8, 0.1, 0));
        assertMessage("defaultThreshold", () -> new AlertPolicy(10, 5, 0.2, Double.NaN, 0.5, 0));
        assertMessage("clearAlpha", () -> new AlertPolicy(10, 5, 0.2, 8, 0.1, 0));
        assertMessage("clearAlpha", () -> new AlertPolicy(10, 5, 0.2, 8, 1.0, 0));
        assertMessage("cooldownMillis", () -> new AlertPolicy(10, 5, 0.2, 8, 0.5, -1));
        AlertPolicy defaults = AlertPolicy.defaults();
        assertEquals(AlertTrack.INITIAL_CAPACITY, defaults.newTrack().recent.length, "a new series starts small");
        assertEquals(4, new AlertPolicy(4, 4, 0.2, 8.0, 0.5, 0).newTrack().recent.length, "never above the window");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should name " + expected);
    }

    @Test
    void withAFloorAWellPredictedSeriesStaysQuietAndOnlyScoresAboveTheFloorRaise() {
        AlertPolicy floored = new AlertPolicy(500, 100, 0.01, 8.0, 0.10, 5 * MINUTE, 6.0);
        AlertTrack calibratedOnly = POLICY.newTrack();
        AlertTrack withFloor = floored.newTrack();
        double[] scores = noise(new Random(3), 3000); // χ²/2 + log√2π: above 6 nats with probability ~0.2 %
        List<Integer> without = raises(POLICY, calibratedOnly, scores, 0);
        List<Integer> with = raises(floored, withFloor, scores, 0);
        assertTrue(without.size() >= 10, "the tail-probability rule alone fires at rate alpha: " + without.size());
        long aboveFloor = java.util.Arrays.stream(scores).filter(x -> x >= 6.0).count();
        assertTrue(with.size() <= aboveFloor, with.size() + " alerts, " + aboveFloor + " scores above the floor");
        AlertDecision spike = floored.observe(withFloor, 4000 * MINUTE, 30.0);
        assertTrue(spike.raise());
        assertTrue(spike.threshold() >= 6.0, "the reported threshold is at least the floor: " + spike.threshold());
    }
}
