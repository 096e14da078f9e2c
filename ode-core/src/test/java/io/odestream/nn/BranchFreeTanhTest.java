package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The MLPs' tanh is within a few ulps of {@code Math.tanh} wherever an MLP evaluates it. */
class BranchFreeTanhTest {

    @Test
    void isWithinAFewUlpsOfMathTanh() {
        Random random = new Random(5);
        double worst = 0.0;
        double worstAt = 0.0;
        for (int k = 0; k < 400_000; k++) {
            // uniform over ±25 (saturation included) and log-uniform down to 1e-200 (the small-argument end)
            double x = k % 2 == 0 ? 50.0 * (random.nextDouble() - 0.5)
                    : random.nextGaussian() * Math.pow(10, -random.nextInt(200));
            double expected = Math.tanh(x);
            if (expected == 0.0) {
                continue;
            }
            double error = Math.abs(BranchFreeTanh.tanh(x) - expected) / Math.abs(expected);
            if (error > worst) {
                worst = error;
                worstAt = x;
            }
        }
        System.out.println("BranchFreeTanh: worst relative error " + worst + " at " + worstAt);
        assertTrue(worst < 2e-15, "worst relative error " + worst + " at " + worstAt);
    }

    @Test
    void saturatesExactlyAndPropagatesNaN() {
        assertEquals(1.0, BranchFreeTanh.tanh(20.0));
        assertEquals(-1.0, BranchFreeTanh.tanh(-1e6));
        assertEquals(1.0, BranchFreeTanh.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, BranchFreeTanh.tanh(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, BranchFreeTanh.tanh(0.0));
        assertTrue(Double.isNaN(BranchFreeTanh.tanh(Double.NaN)));
    }

    @Test
    void theDerivativeFromTheOutputIsOneMinusItsSquare() {
        for (double y : new double[] {0.0, 0.3, -0.7, 0.999, 1.0}) {
            assertEquals(1.0 - y * y, BranchFreeTanh.derivativeFromOutput(y), 1e-16);
        }
    }
}
