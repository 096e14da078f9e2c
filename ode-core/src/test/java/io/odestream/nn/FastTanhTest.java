package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * FastTanh and the exp-based sigmoid are accurate to a few ulps (≤ 5, measured ≤ 4) everywhere.
 *
 * <p>Why a few ulps is enough: float64 training and adjoint gradients accumulate rounding at
 * the level of ε ≈ 1.1e-16 per operation anyway (every matrix product adds ~in·ε), and the
 * tightest solver tolerance we use (rtol 1e-10) is five orders of magnitude above a 5-ulp
 * (≈ 1.1e-15 relative) perturbation of f, which changes a solution by about that much times
 * the problem's conditioning; finite-difference checks at step 1e-5 see it as ~1e-10 noise,
 * far under their 1e-6 tolerance. The error is deterministic (same x, same result), so rows
 * stay bit-identical across batches.
 */
class FastTanhTest {
    /**
     * Against Math.tanh (fdlibm, itself within 1 ulp of tanh): the grids below measure at most
     * 4 ulps (≈ 8.9e-16 relative); one ulp of slack covers another JVM's Math.exp, which the
     * specification only holds to 1 ulp.
     */
    private static final double MAX_ULPS = 5.0;

    @Test
    void isWithinFiveUlpsOfMathTanhOnADenseGridAcrossBothBranches() {
        double worst = 0;
        double worstAt = 0;
        for (double x = -25.0; x <= 25.0; x += 1.0 / 65536 + 1e-12) {
            double e = ulps(FastTanh.tanh(x), Math.tanh(x));
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        System.out.println("FastTanh on [-25, 25]: worst " + worst + " ulps at " + worstAt);
        assertTrue(worst <= MAX_ULPS, "worst error " + worst + " ulps at x = " + worstAt);
    }

    @Test
    void isWithinFiveUlpsNearTheBranchSwitch() {
        double worst = 0;
        for (int k = -200_000; k <= 200_000; k++) {
            double x = FastTanh.SWITCH + k * 1e-7;
            worst = Math.max(worst, ulps(FastTanh.tanh(x), Math.tanh(x)));
            worst = Math.max(worst, ulps(FastTanh.tanh(-x), Math.tanh(-x)));
        }
        System.out.println("FastTanh near the switch: worst " + worst + " ulps");
        assertTrue(worst <= MAX_ULPS, "worst error near the switch " + worst + " ulps");
    }

    @Test
    void tinyArgumentsLoseNoDigitsToCancellation() {
        // log-spaced from the smallest subnormal up to 1: tanh x = x(1 − x²/3 …) must stay relative-accurate
        double worst = 0;
        for (double x = Double.MIN_VALUE; x < 1.0; x *= 1.001) {
            worst = Math.max(worst, ulps(FastTanh.tanh(x), Math.tanh(x)));
            worst = Math.max(worst, ulps(FastTanh.tanh(-x), Math.tanh(-x)));
            if (x < 1e-300) {
                x = Math.max(x, Math.nextUp(x));
            }
        }
        System.out.println("FastTanh for tiny |x|: worst " + worst + " ulps");
        assertTrue(worst <= MAX_ULPS, "worst error for tiny |x| " + worst + " ulps");
        assertEquals(Double.MIN_VALUE, FastTanh.tanh(Double.MIN_VALUE));
        assertEquals(1e-300, FastTanh.tanh(1e-300));
        assertEquals(-Double.MIN_NORMAL, FastTanh.tanh(-Double.MIN_NORMAL));
    }

    @Test
    void saturatesToExactlyOneWithoutOverflowTrouble() {
        for (double x : new double[] {19.1, 20, 100, 354, 355, 710, 1e10, 1e300, Double.MAX_VALUE}) {
            assertEquals(1.0, FastTanh.tanh(x), "tanh(" + x + ")");
            assertEquals(-1.0, FastTanh.tanh(-x), "tanh(" + -x + ")");
        }
        assertEquals(1.0, FastTanh.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, FastTanh.tanh(Double.NEGATIVE_INFINITY));
    }

    @Test
    void keepsTheSignOfZeroAndPropagatesNaN() {
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(FastTanh.tanh(0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(FastTanh.tanh(-0.0)));
        assertTrue(Double.isNaN(FastTanh.tanh(Double.NaN)));
    }

    @Test
    void isOddAndMonotone() {
        double previous = -1.0;
        for (double x = -20.0; x <= 20.0; x += 1e-4) {
            double y = FastTanh.tanh(x);
            assertEquals(-y, FastTanh.tanh(-x), "odd at " + x);
            assertTrue(y >= previous, "monotone at " + x);
            previous = y;
        }
    }

    @Test
    void sigmoidIsWithinFiveUlpsOfIndependentFormsEverywhere() {
        double worst = 0;
        double worstAt = 0;
        for (double x = -745.0; x <= 40.0; x += 1.0 / 4096 + 1e-12) {
            double reference;
            if (x >= -0.5) {
                // little cancellation: 1 + tanh(x/2) ≥ 0.76
                reference = 0.5 + 0.5 * Math.tanh(0.5 * x);
            } else if (x > -700.0) {
                reference = 1.0 / (1.0 + Math.exp(-x)); // e^−x is large but finite
            } else {
                reference = Math.exp(x); // σ(x) = e^x (1 − e^x + …) and e^x < 1e-304
            }
            double e = ulps(Activation.sigmoid(x), reference);
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        System.out.println("sigmoid: worst " + worst + " ulps at " + worstAt);
        assertTrue(worst <= MAX_ULPS, "worst sigmoid error " + worst + " ulps at " + worstAt);
        assertEquals(1.0, Activation.sigmoid(40.0));
        assertEquals(1.0, Activation.sigmoid(Double.POSITIVE_INFINITY));
        assertEquals(0.0, Activation.sigmoid(Double.NEGATIVE_INFINITY));
        assertEquals(0.5, Activation.sigmoid(0.0));
        assertEquals(0.5, Activation.sigmoid(-0.0));
        assertTrue(Activation.sigmoid(-740.0) > 0.0, "the far tail is subnormal, not flushed to zero");
        assertTrue(Double.isNaN(Activation.sigmoid(Double.NaN)));
    }

    /** |a − b| in units of the last place of b (b's ulp; exact agreement is 0). */
    private static double ulps(double a, double b) {
        if (a == b) {
            return 0;
        }
        return Math.abs(a - b) / Math.ulp(b);
    }
}
