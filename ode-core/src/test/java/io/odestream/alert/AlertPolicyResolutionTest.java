package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The score resolution ({@link AlertPolicy#RESOLUTION_NATS}): scores closer than a thousandth of a
 * nat are the same surprise. A constant sensor's scores differ from row to row only by the solver's
 * rounding (~1e-6 nats); such a series must never alert, while a real change on it still does.
 */
class AlertPolicyResolutionTest {
    private static final double FLAT = -1.7577398095708672; // a flat line's score in NAB's art_flatline run
    private static final AlertPolicy NAB_LIKE = AlertPolicy.defaults().withWindow(8640).withShortWindow(30)
            .withValueLevel(true);

    @Test
    void aConstantSeriesWhoseScoresCarrySolverNoiseNeverAlerts() {
        Random random = new Random(5);
        AlertTrack track = NAB_LIKE.newTrack();
        double[] value = {45.0};
        int alerts = 0;
        double largest = 0;
        for (int i = 0; i < 4000; i++) {
            double score = FLAT + 5e-6 * random.nextGaussian();
            AlertDecision d = NAB_LIKE.observe(track, i * 300_000L, score, 0.0, value, null);
            alerts += d.raise() ? 1 : 0;
            largest = Math.max(largest, d.anomalyProbability());
        }
        assertEquals(0, alerts, "alerts on a flat line");
        assertEquals(0.0, largest, 1e-12, "every score ties the history: anomaly probability 1 − p = 0");
    }

    @Test
    void aScoreOneNatAboveAFlatHistoryIsStillASurprise() {
        AlertTrack track = NAB_LIKE.newTrack();
        double[] value = {45.0};
        for (int i = 0; i < 500; i++) {
            NAB_LIKE.observe(track, i * 300_000L, FLAT, 0.0, value, null);
        }
        AlertDecision d = NAB_LIKE.observe(track, 500 * 300_000L, FLAT + 1.0, 0.0, new double[] {46.0}, null);
        assertTrue(d.raise(), "a changed value on a flat line: p " + (1 - d.anomalyProbability()));
    }

    @Test
    void aTieIsCountedAsAnExceedanceSoItsPIsOne() {
        AlertPolicy policy = AlertPolicy.defaults();
        AlertTrack track = policy.newTrack();
        for (int i = 0; i < 200; i++) {
            policy.observe(track, i, 3.0);
        }
        assertEquals(1.0, policy.tailProbability(track, 3.0 + 0.5 * AlertPolicy.RESOLUTION_NATS), 1e-12);
        assertTrue(policy.tailProbability(track, 3.0 + 2 * AlertPolicy.RESOLUTION_NATS) < 1.0 / 200,
                "a score beyond the resolution is above every recent one");
        assertFalse(policy.observe(track, 200, 3.0 + 1e-9).raise());
    }
}
