package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rules that make alerts trustworthy from a series' first events: an open incident never hides
 * a larger surprise, a false alarm during warm-up does not silence a series, and a new series judged
 * on its z-scores alerts on a 6σ jump whatever its units while staying quiet on noise. Scores are
 * Gaussian negative log densities {@code z²/2 + ln σ + ½·ln 2π} of seeded noise, one a minute.
 */
class AlertPolicyIncidentTest {
    private static final long MINUTE = 60_000L;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    /** The product's defaults: calibrated after 256 scores, |z| ≥ 5 during warm-up, escalation at 7 nats. */
    private static final AlertPolicy DEFAULTS = AlertPolicy.defaults();

    private static double nll(double z, double sigma) {
        return 0.5 * z * z + Math.log(sigma) + LOG_SQRT_2PI;
    }

    /** Feeds (z, σ) pairs one a minute from minute {@code from}; returns the minutes that raised. */
    private static List<Integer> raises(AlertPolicy policy, AlertTrack track, double[] z, double sigma, int from) {
        List<Integer> raised = new ArrayList<>();
        for (int i = 0; i < z.length; i++) {
            if (policy.observe(track, (from + i) * MINUTE, nll(z[i], sigma), Math.abs(z[i])).raise()) {
                raised.add(from + i);
            }
        }
        return raised;
    }

    @Test
    void aNewSeriesAlertsOnASixSigmaJumpAtItsSixthEventWhateverItsUnits() {
        Random random = new Random(1);
        for (double sigma : new double[] {1e-3, 1, 1e4}) {
            AlertTrack track = DEFAULTS.newTrack();
            double[] z = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
                6.0};
            assertEquals(List.of(4), raises(DEFAULTS, track, z, sigma, 0), "σ = " + sigma);
            AlertTrack again = DEFAULTS.newTrack();
            for (int i = 0; i < 4; i++) {
                DEFAULTS.observe(again, i * MINUTE, nll(z[i], sigma), Math.abs(z[i]));
            }
            AlertDecision d = DEFAULTS.observe(again, 4 * MINUTE, nll(6.0, sigma), 6.0);
            assertEquals(nll(DEFAULTS.warmUpZ(), sigma), d.threshold(), 1e-9,
                    "the alert's threshold: the raw score at |z| = warmUpZ, in the score's own unit");
        }
    }

    @Test
    void newSeriesStayQuietOnNoiseThoughTheirRawScoresAreHighInLargeUnits() {
        // ten thousand new series of twenty events each, measured in thousands: raw scores of 8 to 12 nats and more,
        // above the raw warm-up threshold of 12 nats when |z| > 1.6, yet noise
        Random random = new Random(2);
        int alerts = 0;
        for (int s = 0; s < 10_000; s++) {
            AlertTrack track = DEFAULTS.newTrack();
            double[] z = new double[20];
            for (int i = 0; i < z.length; i++) {
                z[i] = random.nextGaussian();
            }
            alerts += raises(DEFAULTS, track, z, 1000, 0).size();
        }
        // P(|z| ≥ 5) = 5.7e-7 per score: 200 000 scores give 0.1 false alarms on average
        assertTrue(alerts <= 1, alerts + " false alarms on 200 000 noise scores");
    }

    @Test
    void anOpenIncidentDoesNotHideALargerSurprise() {
        Random random = new Random(3);
        AlertTrack track = DEFAULTS.newTrack();
        double[] noise = new double[400];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextGaussian();
        }
        raises(DEFAULTS, track, noise, 1, 0);
        // a 5σ miss opens an incident; elevated but smaller misses keep it open and raise nothing
        assertEquals(List.of(400), raises(DEFAULTS, track, new double[] {5, 4, 4.5, 5, 4}, 1, 400));
        assertTrue(track.open);
        // a 15σ miss, far more surprising than the incident's peak: raised, though the incident is open
        assertEquals(List.of(405), raises(DEFAULTS, track, new double[] {15}, 1, 405));
        // the same again is no larger surprise: the incident has reported it
        assertEquals(List.of(), raises(DEFAULTS, track, new double[] {15}, 1, 406));
    }

    @Test
    void aWarmUpFalseAlarmDoesNotSilenceTheSeriesForItsLaterJumps() {
        // the new user: a raw 12-nat warm-up rule (no z), early ordinary points score 13 to 18 nats in the
        // data's units, open an incident and never let it close
        AlertPolicy raw = new AlertPolicy(1024, 256, 0.004, 12.0, 0.05, 10 * MINUTE, Double.NEGATIVE_INFINITY, 0, 1,
                AlertPolicy.DEFAULT_ESCALATION_NATS, Double.NaN);
        AlertTrack track = raw.newTrack();
        assertTrue(raw.observe(track, 0, 13.0).raise(), "the false alarm");
        for (int i = 1; i < 6; i++) {
            assertFalse(raw.observe(track, i * MINUTE, 13 + i).raise(), "ordinary points, never quiet for long");
        }
        assertTrue(raw.observe(track, 6 * MINUTE, 13.0 + 8 * 8 / 2.0).raise(), "an 8σ jump after the false alarm");
        assertTrue(raw.observe(track, 7 * MINUTE, 13.0 + 15 * 15 / 2.0).raise(), "a 15σ jump after that");
    }

    @Test
    void judgedOnZTheWarmUpRaisesNoFalseAlarmAtAllAndThenBothJumps() {
        AlertTrack track = DEFAULTS.newTrack();
        double sigma = Math.exp(10); // |z| ≤ 3 scores 10.9 to 15.4 nats, the 12.8 to 37
        assertEquals(List.of(6, 7), raises(DEFAULTS, track, new double[] {0.5, -3, 2.5, 3, -1, 2, 8, 15}, sigma, 0));
    }

    @Test
    void withoutEscalationAnIncidentIsOneAlertWhateverFollows() {
        AlertPolicy once = DEFAULTS.withEscalationNats(Double.POSITIVE_INFINITY);
        AlertTrack track = once.newTrack();
        assertEquals(List.of(0), raises(once, track, new double[] {6, 15, 40}, 1, 0));
    }

    @Test
    void escalationAndWarmUpSettingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withEscalationNats(-1));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withEscalationNats(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withWarmUpZ(0));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withWarmUpZ(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withShortWindow(0));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withShortWindow(DEFAULTS.window() + 1));
    }
}
