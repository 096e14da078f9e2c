package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The calibration window ({@link AlertPolicy#withWindow}): how much of a series' history judges its
 * next score. A kind of surprise the series showed inside the window is judged against that history;
 * one that has left the window is a surprise again. Scores are negative log densities of seeded
 * Gaussian noise, z²/2 + ½·log 2π, with a burst of 30-nat scores.
 */
class AlertPolicyWindowTest {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final AlertPolicy SHORT = new AlertPolicy(500, 100, 0.001, 8.0, 0.01, 0,
            Double.NEGATIVE_INFINITY, 25);

    @Test
    void aBurstInsideTheWindowMakesTheNextOneOrdinaryOnceItHasLeftTheWindowItIsASurpriseAgain() {
        AlertPolicy month = SHORT.withWindow(3000);
        double remembered = month.tailProbability(afterABurstAndQuiet(month), 30);
        double forgotten = SHORT.tailProbability(afterABurstAndQuiet(SHORT), 30);
        // 10 of ~1 210 scores were ≥ 30 nats: about 1 in 120, not an alarm at alpha 0.001
        assertTrue(remembered > 1e-3, "30 nats with the burst in the window: p " + remembered);
        // chi-square/2 noise alone: 30 nats is ~e^-28 rare
        assertTrue(forgotten < 1e-6, "30 nats after the burst left the window: p " + forgotten);
    }

    @Test
    void withWindowChangesTheWindowAndNothingElse() {
        AlertPolicy policy = AlertPolicy.defaults().withShortWindow(30).withValueLevel(true).withEscalationNats(9);
        AlertPolicy longer = policy.withWindow(8640);
        assertEquals(8640, longer.window());
        assertEquals(policy, longer.withWindow(policy.window()));
    }

    /** 200 noise scores, 10 scores of 30 nats, then 1 000 noise scores. */
    private static AlertTrack afterABurstAndQuiet(AlertPolicy policy) {
        Random random = new Random(31);
        AlertTrack track = policy.newTrack();
        long t = 0;
        for (int i = 0; i < 200; i++) {
            policy.observe(track, t++, noise(random));
        }
        for (int i = 0; i < 10; i++) {
            policy.observe(track, t++, 30.0);
        }
        for (int i = 0; i < 1000; i++) {
            policy.observe(track, t++, noise(random));
        }
        return track;
    }

    private static double noise(Random random) {
        double z = random.nextGaussian();
        return 0.5 * z * z + LOG_SQRT_2PI;
    }
}
