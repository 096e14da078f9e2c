package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The value-level test: an observed value outside everything its channel did recently, in either
 * direction, is an anomaly even when the density score calls it ordinary (the filter has followed
 * it); on stationary data the combined rule still fires at about its alpha; masked channels are
 * neither tested nor remembered; the test is free of the data's units. Scores are Gaussian negative
 * log densities of seeded noise, one a minute, beside values of their own.
 */
class AlertPolicyValueLevelTest {
    private static final long MINUTE = 60_000L;
    /** window 1000, calibrated after 100, alpha 0.1 %, exponential tails on the 25 most extreme, clear at 1 %, 1 h. */
    private static final AlertPolicy DENSITY = new AlertPolicy(1000, 100, 0.001, Double.POSITIVE_INFINITY, 0.01,
            60 * MINUTE, Double.NEGATIVE_INFINITY, 25);
    private static final AlertPolicy VALUES = DENSITY.withValueLevel(true);

    private static double score(double z) {
        return 0.5 * z * z + 0.5 * Math.log(2 * Math.PI);
    }

    /** 1000 minutes of ordinary scores beside one channel of Gaussian values (mean 0, sd 1, times {@code unit}). */
    private static void history(AlertPolicy policy, AlertTrack track, Random random, double unit) {
        for (int i = 0; i < 1000; i++) {
            policy.observe(track, i * MINUTE, score(random.nextGaussian()), Double.NaN,
                    new double[] {unit * random.nextGaussian()}, null);
        }
    }

    /** Whether an ordinary score beside {@code value} raises, 2 h after the history (any incident long closed). */
    private static boolean raisesAt(AlertPolicy policy, AlertTrack track, double value) {
        return policy.observe(track, 1120 * MINUTE, score(0.1), Double.NaN, new double[] {value}, null).raise();
    }

    @Test
    void aValueFarOutsideTheRecentOnesAlertsThoughItsScoreIsOrdinary() {
        for (double shifted : new double[] {12, -12}) {
            AlertTrack withValues = VALUES.newTrack();
            AlertTrack densityOnly = DENSITY.newTrack();
            history(VALUES, withValues, new Random(3), 1);
            history(DENSITY, densityOnly, new Random(3), 1);
            assertTrue(raisesAt(VALUES, withValues, shifted), "a value 12 sd from everything recent, sign " + shifted);
            assertFalse(raisesAt(DENSITY, densityOnly, shifted), "the density score alone calls it ordinary");
        }
    }

    @Test
    void aCountTheChannelHasShownBeforeIsNoRarerThanItsOwnTies() {
        // a count channel: five nights of 0, twenty 3s, the rest 10–30; the exponential tail fitted to the lowest 25
        // (five 0s, twenty 3s) extrapolates P(0) to ~2e-4, but the channel took exactly 0 five times in 1 000
        Random random = new Random(8);
        AlertTrack track = VALUES.newTrack();
        for (int i = 0; i < 1000; i++) {
            double count = i % 200 == 0 ? 0 : i % 50 == 1 ? 3 : 10 + random.nextInt(21);
            VALUES.observe(track, i * MINUTE, score(random.nextGaussian()), Double.NaN, new double[] {count}, null);
        }
        AlertTrack copy = track.copy();
        assertFalse(raisesAt(VALUES, track, 0), "a sixth 0: about 1 in 170, not an alarm at 1e-3");
        assertTrue(raisesAt(VALUES, copy, -1), "a value below every one seen is still judged by the tail");
    }

    @Test
    void aValueInsideTheRecentRangeDoesNotAlert() {
        AlertTrack track = VALUES.newTrack();
        history(VALUES, track, new Random(4), 1);
        assertFalse(raisesAt(VALUES, track, 1.5), "a 1.5 sd value is one of many");
    }

    @Test
    void onStationaryDataTheCombinedRuleFiresAtAboutAlpha() {
        AlertPolicy policy = VALUES.withShortWindow(30);
        AlertTrack track = policy.newTrack();
        Random random = new Random(11);
        int scored = 0;
        int triggering = 0;
        for (int i = 0; i < 30_000; i++) {
            AlertDecision d = policy.observe(track, i * MINUTE, score(random.nextGaussian()), Double.NaN,
                    new double[] {random.nextGaussian(), 5 + 2 * random.nextGaussian()}, null);
            if (i >= 1000) {
                scored++;
                triggering += 1 - d.anomalyProbability() <= policy.alpha() ? 1 : 0;
            }
        }
        // Bonferroni bounds the rate by alpha (29 of 29 000); the tails' fit and ties leave room, a broken
        // combination (no correction: four tests at alpha each) would be near 4·alpha
        assertTrue(triggering <= 2 * policy.alpha() * scored, triggering + " of " + scored + " at p <= alpha");
    }

    @Test
    void aMaskedChannelIsNeitherTestedNorRemembered() {
        AlertTrack track = VALUES.newTrack();
        Random random = new Random(5);
        for (int i = 0; i < 1000; i++) {
            // the second channel is masked on every row, whatever value it carries
            VALUES.observe(track, i * MINUTE, score(random.nextGaussian()), Double.NaN,
                    new double[] {random.nextGaussian(), 1e9}, new boolean[] {true, false});
        }
        assertFalse(VALUES.observe(track, 1120 * MINUTE, score(0.1), Double.NaN, new double[] {0.2, 1e12},
                new boolean[] {true, false}).raise(), "an unobserved channel's value is not news");
        assertTrue(Double.isNaN(track.recentValues[track.recent.length + 5]), "masked values are not remembered");
        assertFalse(VALUES.observe(track, 1121 * MINUTE, score(0.1), Double.NaN, new double[] {0.2, 1e12},
                null).raise(), "the second channel has no history yet, so it is not tested");
        assertFalse(VALUES.observe(track, 1122 * MINUTE, score(0.1), Double.NaN, new double[] {0.2, Double.NaN},
                null).raise(), "a NaN value counts as missing");
    }

    @Test
    void theTestIsFreeOfTheDataUnits() {
        AlertTrack units = VALUES.newTrack();
        AlertTrack millions = VALUES.newTrack();
        history(VALUES, units, new Random(8), 1);
        history(VALUES, millions, new Random(8), 1e6);
        for (double v : new double[] {0.3, 2.9, 3.4, 4, -3.6}) {
            AlertDecision a = VALUES.observe(units, 1120 * MINUTE, score(0.1), Double.NaN, new double[] {v}, null);
            AlertDecision b = VALUES.observe(millions, 1120 * MINUTE, score(0.1), Double.NaN, new double[] {1e6 * v},
                    null);
            assertEquals(a.raise(), b.raise(), "value " + v);
            assertEquals(a.anomalyProbability(), b.anomalyProbability(), 1e-9, "value " + v);
        }
    }

    @Test
    void withoutValuesThePolicyIsTheDensityPolicy() {
        AlertTrack withValues = VALUES.newTrack();
        AlertTrack densityOnly = DENSITY.newTrack();
        Random random = new Random(9);
        for (int i = 0; i < 3000; i++) {
            // a 6-sigma miss every 700 minutes, so both raise and the decisions have something to agree on
            double s = score(i % 700 == 699 ? 6 : random.nextGaussian());
            assertEquals(DENSITY.observe(densityOnly, i * MINUTE, s), VALUES.observe(withValues, i * MINUTE, s),
                    "row " + i);
        }
    }
}
