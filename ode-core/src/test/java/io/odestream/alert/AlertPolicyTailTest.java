package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fitted exponential tail ({@code tailSize > 0}): probabilities beyond the empirical 1/(n+1)
 * floor, false-alarm rates below 1/window, and a reported threshold that still separates raising
 * from not raising scores. Scores are negative log densities of seeded Gaussian noise, z²/2 + ½·log 2π.
 */
class AlertPolicyTailTest {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private static double noiseScore(Random random) {
        double z = random.nextGaussian();
        return 0.5 * z * z + LOG_SQRT_2PI;
    }

    private static AlertTrack fed(AlertPolicy policy, Random random, int scores) {
        AlertTrack track = policy.newTrack();
        for (int i = 0; i < scores; i++) {
            policy.observe(track, i, noiseScore(random));
        }
        return track;
    }

    @Test
    void scoresAboveTheRecentMaximumAreStillOrderedByHowFarAboveTheyAre() {
        AlertPolicy empirical = new AlertPolicy(500, 100, 0.01, 8.0, 0.1, 0);
        AlertPolicy tailed = new AlertPolicy(500, 100, 0.01, 8.0, 0.1, 0, Double.NEGATIVE_INFINITY, 25);
        AlertTrack track = fed(tailed, new Random(21), 500);
        // empirically 10 and 20 nats are both "above all 500": the same probability 500/501
        assertEquals(empirical.anomalyProbability(track, 10), empirical.anomalyProbability(track, 20));
        double p10 = tailed.tailProbability(track, 10);
        double p20 = tailed.tailProbability(track, 20);
        assertTrue(p10 < 1.0 / 501 && p20 < p10, "tail p: 10 nats " + p10 + ", 20 nats " + p20);
        // the tail by hand: u = 25th largest, β = mean excess of the top 25 over u, p = 25/501 · e^{-(s-u)/β},
        // read at s less the score resolution (scores closer than that are ties)
        double[] sorted = track.recent.clone();
        java.util.Arrays.sort(sorted);
        double u = sorted[500 - 25];
        double beta = 0;
        for (int i = 475; i < 500; i++) {
            beta += (sorted[i] - u) / 25;
        }
        double tie = AlertPolicy.RESOLUTION_NATS;
        assertEquals(25.0 / 501 * Math.exp(-(10 - tie - u) / beta), p10, 1e-12 * p10);
        assertEquals(25.0 / 501 * Math.exp(-(20 - tie - u) / beta), p20, 1e-12 * p20);
        assertEquals(1.0, tailed.anomalyProbability(track, 30), "1 − p rounds to 1 this far out: use tailProbability");
        // for χ²/2 scores the mean excess over a high level is below 1 nat and tends to it
        assertTrue(beta > 0.3 && beta < 1.2, "β " + beta);
        // inside the bulk the tail changes nothing
        assertEquals(empirical.anomalyProbability(track, 1.5), tailed.anomalyProbability(track, 1.5));
    }

    @Test
    void onStationaryNoiseAnAlphaFarBelowOneOverWindowHoldsApproximately() {
        // alpha = 0.001 with a 500-score window: impossible empirically (p >= 1/501), possible with the tail
        AlertPolicy policy = new AlertPolicy(500, 100, 0.001, 8.0, 0.001, 0, Double.NEGATIVE_INFINITY, 25);
        Random random = new Random(22);
        AlertTrack track = fed(policy, random, 500);
        int n = 100_000;
        int raised = 0;
        for (int i = 0; i < n; i++) {
            raised += policy.observe(track, 500 + i, noiseScore(random)).raise() ? 1 : 0;
        }
        double rate = (double) raised / n;
        // an exponential tail fitted on 25 of 500 scores is an estimate: within a factor 2 of alpha
        assertTrue(rate > 0.0005 && rate < 0.002, "false-alarm rate " + rate + " (" + raised + " of " + n + ")");
    }

    @Test
    void theReportedThresholdSeparatesRaisingFromNotRaisingScores() {
        AlertPolicy policy = new AlertPolicy(500, 100, 1e-4, 8.0, 0.01, 0, Double.NEGATIVE_INFINITY, 25);
        AlertTrack track = fed(policy, new Random(23), 500);
        track.open = false;
        AlertDecision d = policy.observe(track.copy(), 500, 60.0);
        assertTrue(d.raise());
        double threshold = d.threshold();
        double max = 0;
        for (double s : track.recent) {
            max = Math.max(max, s);
        }
        assertTrue(threshold > max, "alpha 1e-4 < 1/501 puts the threshold " + threshold + " beyond the max " + max);
        double eps = 1e-9 * threshold;
        assertTrue(policy.observe(track.copy(), 500, threshold + eps).raise(), "just above raises");
        assertFalse(policy.observe(track.copy(), 500, threshold - eps).raise(), "just below does not");
    }

    @Test
    void theTailIsFittedOnAtMostHalfOfTheMinimumHistory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AlertPolicy(500, 40, 0.01, 8.0, 0.1, 0, Double.NEGATIVE_INFINITY, 21));
        assertTrue(e.getMessage().contains("tailSize"), e.getMessage());
        // with a tail, an alpha below 1/(minHistory+1) is fine
        new AlertPolicy(500, 40, 1e-6, 8.0, 0.1, 0, Double.NEGATIVE_INFINITY, 20);
    }
}
