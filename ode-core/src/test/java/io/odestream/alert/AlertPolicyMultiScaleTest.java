package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The multi-scale rule: a stretch of moderately surprising scores — none surprising alone — is an
 * anomaly (a changed pattern), and on stationary noise the combined rule still fires at about its
 * alpha. Scores are Gaussian negative log densities of seeded noise, one a minute.
 */
class AlertPolicyMultiScaleTest {
    private static final long MINUTE = 60_000L;
    /** window 1000, calibrated after 100, alpha 0.1 %, exponential tail on the top 25, clear at 1 %, 1 h cool-down. */
    private static final AlertPolicy POINT = new AlertPolicy(1000, 100, 0.001, Double.POSITIVE_INFINITY, 0.01,
            60 * MINUTE, Double.NEGATIVE_INFINITY, 25);
    private static final AlertPolicy MULTI = POINT.withShortWindow(30);

    private static double score(double z) {
        return 0.5 * z * z + 0.5 * Math.log(2 * Math.PI);
    }

    /** Feeds noise of std {@code spread} (in units of the model's σ) for {@code minutes}; counts raises. */
    private static int feed(AlertPolicy policy, AlertTrack track, Random random, int from, int minutes, double spread) {
        int raised = 0;
        for (int i = 0; i < minutes; i++) {
            if (policy.observe(track, (long) (from + i) * MINUTE, score(spread * random.nextGaussian())).raise()) {
                raised++;
            }
        }
        return raised;
    }

    @Test
    void aStretchOfModeratelySurprisingScoresIsCaughtOnlyAcrossScales() {
        AlertTrack point = POINT.newTrack();
        AlertTrack multi = MULTI.newTrack();
        Random a = new Random(5);
        Random b = new Random(5);
        feed(POINT, point, a, 0, 1000, 1);
        feed(MULTI, multi, b, 0, 1000, 1);
        // an hour of the most ordinary scores closes any incident the noise opened
        for (int i = 0; i < 61; i++) {
            POINT.observe(point, (1000L + i) * MINUTE, score(0));
            MULTI.observe(multi, (1000L + i) * MINUTE, score(0));
        }
        assertFalse(point.open || multi.open);
        // then every value misses by 2.5σ: each alone is a 1-in-80 score, far from alpha = 1/1000, but forty in a row
        // are not noise
        int pointRaised = 0;
        int multiRaised = 0;
        for (int i = 0; i < 40; i++) {
            pointRaised += POINT.observe(point, (1061L + i) * MINUTE, score(2.5)).raise() ? 1 : 0;
            multiRaised += MULTI.observe(multi, (1061L + i) * MINUTE, score(2.5)).raise() ? 1 : 0;
        }
        assertEquals(0, pointRaised, "no single score of the stretch is extreme enough");
        assertEquals(1, multiRaised, "the stretch is one incident, one alert");
    }

    @Test
    void onStationaryNoiseTheCombinedRuleFiresAtAboutItsAlpha() {
        AlertPolicy policy = new AlertPolicy(1000, 100, 0.01, Double.POSITIVE_INFINITY, 0.01, 0,
                Double.NEGATIVE_INFINITY, 25).withShortWindow(30);
        AlertTrack track = policy.newTrack();
        Random random = new Random(7);
        int n = 20_000;
        int triggered = 0;
        for (int i = 0; i < n; i++) {
            AlertDecision d = policy.observe(track, (long) i * MINUTE, score(random.nextGaussian()));
            if (i >= 1000 && d.anomalyProbability() >= 1 - 0.01) {
                triggered++;
            }
        }
        double rate = (double) triggered / (n - 1000);
        // Bonferroni would bound the rate by alpha if both p were exact; the window means are autocorrelated, so their
        // conformal p is only approximately valid: the rate stays within twice alpha
        assertTrue(rate < 2 * 0.01, "rate " + rate);
    }

    @Test
    void scoresBeforeTheSeriesIsCalibratedAddNoSurprisalToTheWindowMean() {
        AlertTrack track = MULTI.newTrack();
        Random random = new Random(13);
        // a wild warm-up: every score is a new maximum, a p of 1/(n+1) that would read as ln(n+1) nats of surprise
        for (int i = 0; i < MULTI.minHistory(); i++) {
            MULTI.observe(track, (long) i * MINUTE, i + random.nextDouble());
        }
        for (int i = 0; i < MULTI.minHistory(); i++) {
            assertEquals(0.0, track.recentMeans[i], 0.0, "window mean at warm-up score " + i);
        }
        MULTI.observe(track, (long) MULTI.minHistory() * MINUTE, 1e6);
        assertTrue(track.recentMeans[MULTI.minHistory()] > 0, "the first calibrated score counts");
    }

    @Test
    void theScoreAtWhichASeriesBecomesCalibratedIsNotAnAlarm() {
        // the job's policy with a short window: before the fix every series raised at its 256th score, the first
        // calibrated mean judged against a history of warm-up zeros
        AlertPolicy policy = AlertPolicy.defaults().withShortWindow(30);
        int series = 40;
        int firstCalibrated = 0;
        int raised = 0;
        for (int seed = 0; seed < series; seed++) {
            AlertTrack track = policy.newTrack();
            Random random = new Random(seed);
            for (int i = 0; i < policy.minHistory() + 30; i++) {
                AlertDecision d = policy.observe(track, (long) i * MINUTE, score(random.nextGaussian()));
                if (i >= policy.minHistory()) {
                    raised += d.raise() ? 1 : 0;
                    firstCalibrated += i == policy.minHistory() && d.raise() ? 1 : 0;
                }
            }
        }
        assertEquals(0, firstCalibrated, "series that raised at their first calibrated score");
        // 40 × 30 noise scores at alpha 0.004 (Simes over two tests): about 5 alarms expected, not one per series
        assertTrue(raised < 12, "raises in the 30 scores after warm-up, over " + series + " series: " + raised);
    }

    @Test
    void aWindowMeanIsJudgedOnlyAgainstMeansWrittenOnceCalibrated() {
        AlertTrack track = MULTI.newTrack();
        Random random = new Random(17);
        feed(MULTI, track, random, 0, MULTI.minHistory(), 1);
        // calibrated now, but no calibrated mean has been written yet: a stretch of scores far out raises on the
        // point test only, its window mean adds nothing until minHistory calibrated means exist
        double p = 1 - MULTI.observe(track, (long) MULTI.minHistory() * MINUTE, score(1)).anomalyProbability();
        assertTrue(p > 0.1, "an ordinary score's p right after warm-up: " + p);
    }

    @Test
    void aSingleScaleTrackKeepsNoMultiScaleState() {
        AlertTrack track = POINT.newTrack();
        POINT.observe(track, 0, 1.0);
        assertEquals(0, track.recentMeans.length);
        assertEquals(0, track.surprisals.length);
        AlertTrack multi = MULTI.newTrack();
        MULTI.observe(multi, 0, 1.0);
        assertEquals(multi.recent.length, multi.recentMeans.length, "a mean beside every score slot");
        assertEquals(30, multi.surprisals.length);
        assertEquals(multi, multi.copy());
    }
}
