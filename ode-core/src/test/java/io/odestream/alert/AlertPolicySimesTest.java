package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How the policy combines its tests' tail probabilities (point score, short-window mean, value level):
 * Simes' rule, min over i of m·p₍ᵢ₎/i, which keeps alpha a bound like Bonferroni's m·min p and gains
 * when several tests agree. NaN marks a test the policy does not have.
 */
class AlertPolicySimesTest {
    @Test
    void oneTestIsItsOwnProbability() {
        assertEquals(0.003, AlertPolicy.simes(0.003, Double.NaN, Double.NaN));
        assertEquals(1.0, AlertPolicy.simes(1.0, Double.NaN, Double.NaN));
    }

    @Test
    void oneSmallProbabilityAmongLargeOnesIsBonferronis() {
        assertEquals(3 * 1e-4, AlertPolicy.simes(0.6, 1e-4, 0.9), 1e-18);
        assertEquals(2 * 1e-4, AlertPolicy.simes(0.6, Double.NaN, 1e-4), 1e-18);
        assertEquals(2 * 1e-4, AlertPolicy.simes(1e-4, 0.6, Double.NaN), 1e-18);
    }

    @Test
    void testsThatAgreeAreNotChargedForEachOther() {
        // two tests, both at p: p (Bonferroni 2p); three at p: p (Bonferroni 3p)
        assertEquals(1e-3, AlertPolicy.simes(1e-3, 1e-3, Double.NaN), 1e-18);
        assertEquals(1e-3, AlertPolicy.simes(1e-3, 1e-3, 1e-3), 1e-18);
        // two of three at p: 3p/2
        assertEquals(1.5e-3, AlertPolicy.simes(0.5, 1e-3, 1e-3), 1e-18);
    }

    @Test
    void neverAboveBonferroniAndNeverAboveOne() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            double a = random.nextDouble();
            double b = random.nextDouble();
            double c = random.nextDouble();
            double s = AlertPolicy.simes(a, b, c);
            assertTrue(s <= Math.min(1.0, 3 * Math.min(a, Math.min(b, c))) + 1e-15, a + " " + b + " " + c + ": " + s);
            assertTrue(s >= Math.min(a, Math.min(b, c)), "never below the smallest p: " + s);
        }
    }

    @Test
    void onIndependentNullTestsItFiresAtAlpha() {
        // Simes' global test is exact for independent uniform p-values: P(p ≤ alpha) = alpha
        SplittableRandom random = new SplittableRandom(6);
        double alpha = 0.01;
        int n = 400_000;
        int three = 0;
        int two = 0;
        for (int i = 0; i < n; i++) {
            double a = random.nextDouble();
            double b = random.nextDouble();
            double c = random.nextDouble();
            three += AlertPolicy.simes(a, b, c) <= alpha ? 1 : 0;
            two += AlertPolicy.simes(a, Double.NaN, c) <= alpha ? 1 : 0;
        }
        // ± 5 standard errors of a binomial rate at 0.01 over 400 000 draws (1.6e-4 each)
        assertEquals(alpha, (double) three / n, 8e-4, "three tests");
        assertEquals(alpha, (double) two / n, 8e-4, "two tests");
    }
}
