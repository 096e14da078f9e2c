package io.odestream.job.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The guard's rule: a version is degraded when its rolling error stays above k × its reference
 * level for N of event time, judged only after enough observations and only against a known
 * reference; once per version.
 */
class ModelHealthGuardTest {
    private static final long MINUTE = 60_000;
    /** k = 3 for 2 minutes, after 10 observations; smoothing 0.5 so that the rolling error follows quickly. */
    private static final ModelHealthSettings RULE = ModelHealthSettings.alertOnly()
            .withRule(3, Duration.ofMinutes(2)).withObservations(10, 0.5);

    /** Feeds one observation per 10 s from {@code fromMillis}; the event time at which the guard fired, or -1. */
    private static long feed(ModelHealthGuard guard, long fromMillis, int n, double error) {
        for (int i = 0; i < n; i++) {
            long t = fromMillis + i * 10_000L;
            if (guard.observe(t, error, 1.0 + error)) {
                return t;
            }
        }
        return -1;
    }

    @Test
    void anErrorAboveKTimesTheValidationLevelForNMinutesIsDegradedOnce() {
        ModelHealthGuard guard = new ModelHealthGuard(RULE);
        guard.serve(4, 0.1);
        assertEquals(-1, feed(guard, 0, 20, 0.1), "at its validation level: healthy");
        long start = 20 * 10_000L;
        long fired = feed(guard, start, 40, 1.0); // 10x the level
        assertTrue(fired > 0, "found degraded");
        // smoothing 0.5: 0.1 -> 0.55 at the first high observation, above 3 x 0.1; then 2 minutes of event time
        assertEquals(start + 2 * MINUTE, fired);
        assertTrue(guard.degraded());
        assertEquals(-1, feed(guard, fired + 10_000, 50, 5.0), "once per version");
        assertTrue(guard.describe().contains("v4 rolling error"), guard.describe());
    }

    @Test
    void aShortExcursionAboveTheLimitIsNotDegraded() {
        ModelHealthGuard guard = new ModelHealthGuard(RULE);
        guard.serve(1, 0.1);
        feed(guard, 0, 20, 0.1);
        long t = 200_000;
        assertEquals(-1, feed(guard, t, 10, 1.0), "100 s above the limit: less than N");
        assertEquals(-1, feed(guard, t + 100_000, 10, 0.05), "back below: the clock restarts");
        assertEquals(-1, feed(guard, t + 200_000, 10, 1.0), "another 100 s above");
        assertFalse(guard.degraded());
    }

    @Test
    void exactlyAtKTimesTheLevelIsNotAbove() {
        ModelHealthGuard guard = new ModelHealthGuard(RULE.withRule(2, Duration.ZERO));
        guard.serve(1, 0.25);
        assertEquals(-1, feed(guard, 0, 50, 0.5));
        assertTrue(feed(guard, 500_000, 5, 0.51) > 0, "with N = 0 the first observation above fires");
    }

    @Test
    void aVersionIsNotJudgedBeforeMinObservations() {
        ModelHealthGuard guard = new ModelHealthGuard(RULE.withRule(3, Duration.ZERO));
        guard.serve(1, 0.1);
        assertEquals(9 * 10_000L, feed(guard, 0, 20, 5.0), "fires at the 10th observation, not before");
    }

    @Test
    void withoutAValidationLevelTheReferenceIsThePreviousVersionsLiveError() {
        ModelHealthGuard guard = new ModelHealthGuard(RULE);
        guard.serve(1, Double.NaN);
        assertEquals(-1, feed(guard, 0, 100, 50.0), "no reference for the first version: watched, never judged");
        assertTrue(Double.isNaN(guard.reference()));
        assertEquals(50.0, guard.error(), 1e-12);

        guard.serve(2, Double.NaN); // an artifact without heldout_mae replaces v1
        assertEquals(50.0, guard.reference(), 1e-12, "v1's live error, measured on this subtask");
        assertEquals(-1, feed(guard, 1_000_000, 30, 120.0), "2.4x: within k = 3");
        assertTrue(feed(guard, 2_000_000, 30, 200.0) > 0, "4x for two minutes: degraded");

        guard.serve(3, Double.NaN);
        assertTrue(Double.isNaN(guard.reference()), "a degraded version's error is no reference for the next");
        guard.serve(3, 0.7);
        assertTrue(Double.isNaN(guard.reference()), "the same version again changes nothing");
    }

    @Test
    void nonFiniteScoresAreSkipped() {
        ModelHealthGuard guard = new ModelHealthGuard(RULE.withRule(3, Duration.ZERO));
        guard.serve(1, 0.1);
        feed(guard, 0, 20, 0.1);
        assertFalse(guard.observe(300_000, Double.NaN, 1.0));
        assertFalse(guard.observe(300_000, Double.POSITIVE_INFINITY, 1.0));
        assertFalse(guard.observe(300_000, 10.0, Double.NaN));
        assertEquals(0.1, guard.error(), 1e-12);
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertMessage("errorFactor", () -> RULE.withRule(1.0, Duration.ZERO));
        assertMessage("sustainFor", () -> RULE.withRule(3, Duration.ofSeconds(-1)));
        assertMessage("minObservations", () -> RULE.withObservations(0, 0.5));
        assertMessage("smoothing", () -> RULE.withObservations(10, 0));
        assertMessage("onDegraded ROLLBACK", () -> RULE.withPolicy(ModelHealthSettings.OnDegraded.ROLLBACK, null));
    }

    private static void assertMessage(String start, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(start + " "), e.getMessage());
    }
}
