package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The float32 kernel's tanh: within 3.5e-7 of {@code Math.tanh} everywhere (≤ 6 float ulps, the
 * worst where tanh nears ±1), and lane-wise the same bits as the scalar form.
 */
class FloatTanhTest {

    @Test
    void isWithinAFewFloatUlpsOfMathTanhOnADenseGrid() {
        double worstAbs = 0.0;
        double worstUlps = 0.0;
        float worstAt = 0.0f;
        double worstSmallUlps = 0.0;
        // every 6e-7 over ±12 (saturation included): 4e7 points
        int n = 40_000_000;
        for (int i = 0; i <= n; i++) {
            float x = (float) (-12.0 + 24.0 * i / n);
            double expected = Math.tanh(x);
            float actual = FloatTanh.tanh(x);
            double error = Math.abs(actual - expected);
            double ulps = error / Math.ulp((float) expected);
            worstAbs = Math.max(worstAbs, error);
            if (ulps > worstUlps) {
                worstUlps = ulps;
                worstAt = x;
            }
            if (Math.abs(x) < 1.0f) {
                worstSmallUlps = Math.max(worstSmallUlps, ulps);
            }
        }
        System.out.printf("FloatTanh: worst absolute error %.3g, worst %.2f float ulps at %s, worst %.2f ulps for |x| < 1%n",
                worstAbs, worstUlps, worstAt, worstSmallUlps);
        assertTrue(worstAbs <= 3.5e-7, "worst absolute error " + worstAbs);
        assertTrue(worstUlps <= 6.0, "worst " + worstUlps + " ulps at " + worstAt);
        assertTrue(worstSmallUlps <= 4.0, "worst " + worstSmallUlps + " ulps for |x| < 1");
    }

    @Test
    void smallArgumentsComeOutAsThemselvesAndLargeOnesSaturate() {
        for (float x : new float[] {1e-30f, -1e-10f, 1e-4f, Float.MIN_VALUE, 0.0f}) {
            assertEquals((float) Math.tanh(x), FloatTanh.tanh(x), Math.ulp(x), "at " + x);
        }
        for (float x : new float[] {9.0f, 20.0f, 1e30f, Float.POSITIVE_INFINITY}) {
            assertEquals(1.0f, FloatTanh.tanh(x), 1.2e-7f, "at " + x);
            assertEquals(-1.0f, FloatTanh.tanh(-x), 1.2e-7f, "at " + -x);
            assertTrue(Math.abs(FloatTanh.tanh(x)) <= 1.0f, "never beyond ±1 at " + x);
        }
        assertTrue(Float.isNaN(FloatTanh.tanh(Float.NaN)));
    }

    @Test
    void theLaneWiseFormGivesTheScalarBits() {
        int lanes = FloatVectorApiMlp.lanes();
        float[] x = new float[lanes];
        float[] y = new float[lanes];
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < lanes; i++) {
                x[i] = (float) (random.nextGaussian() * (round % 2 == 0 ? 3.0 : 0.01));
            }
            System.arraycopy(x, 0, y, 0, lanes);
            FloatVectorApiMlp.tanhAt(y, 0);
            for (int i = 0; i < lanes; i++) {
                assertEquals(Float.floatToIntBits(FloatTanh.tanh(x[i])), Float.floatToIntBits(y[i]), "at " + x[i]);
            }
        }
    }
}
