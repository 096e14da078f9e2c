package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The warm-up rule at a caller's threshold (a model's shipped one) instead of the policy's
 * {@code warmUpZ}: the same rule, moved; NaN keeps warmUpZ; the alert's raw threshold is the score at
 * that |z|.
 */
class AlertPolicyWarmUpThresholdTest {
    private static final AlertPolicy POLICY = AlertPolicy.defaults(); // warmUpZ 5

    @Test
    void aScoreTriggersAtTheGivenThresholdInsteadOfWarmUpZ() {
        assertTrue(POLICY.observe(POLICY.newTrack(), 0, 10, 4.2, 4.0, null, null).raise(), "4.2 >= 4");
        assertFalse(POLICY.observe(POLICY.newTrack(), 0, 10, 4.2, Double.NaN, null, null).raise(), "4.2 < warmUpZ 5");
        assertFalse(POLICY.observe(POLICY.newTrack(), 0, 10, 6.0, 6.5, null, null).raise(), "6 < 6.5");
        assertTrue(POLICY.observe(POLICY.newTrack(), 0, 10, 6.0, Double.NaN, null, null).raise(), "6 >= warmUpZ 5");
    }

    @Test
    void theAlertsRawThresholdIsTheScoreAtTheGivenZ() {
        AlertDecision d = POLICY.observe(POLICY.newTrack(), 0, 20, 6.0, 4.0, null, null);
        assertEquals(20 - 0.5 * (36 - 16), d.threshold(), 1e-12);
    }

    @Test
    void theRawWarmUpRuleIgnoresIt() {
        AlertPolicy raw = new AlertPolicy(1024, 256, 0.004, 12.0, 0.05, 600_000L, Double.NEGATIVE_INFINITY, 32);
        assertFalse(raw.observe(raw.newTrack(), 0, 11.9, 9.0, 3.0, null, null).raise(),
                "without warmUpZ the policy judges the raw score, whatever threshold is given");
    }
}
