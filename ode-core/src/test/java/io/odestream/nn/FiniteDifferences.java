package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Central finite differences of a scalar {@code aᵀ F(x)}, the independent check of every VJP. */
final class FiniteDifferences {
    /** Step: truncation error ~h²·|F'''| and rounding ~ε/h are both far below 1e-6 relative at this h. */
    static final double STEP = 1e-5;
    static final double TOLERANCE = 1e-6;

    private FiniteDifferences() {
    }

    /** The scalar being differentiated, evaluated at the current contents of the perturbed array. */
    interface Scalar {
        double value();
    }

    /**
     * Gradient of {@code scalar} with respect to {@code x[from .. from+n)}, by perturbing x in
     * place (restored afterwards); {@code afterWrite} runs after each perturbation (e.g. to mark
     * parameters changed).
     */
    static double[] gradient(double[] x, int from, int n, Scalar scalar, Runnable afterWrite) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double saved = x[from + i];
            x[from + i] = saved + STEP;
            afterWrite.run();
            double plus = scalar.value();
            x[from + i] = saved - STEP;
            afterWrite.run();
            double minus = scalar.value();
            x[from + i] = saved;
            afterWrite.run();
            g[i] = (plus - minus) / (2 * STEP);
        }
        return g;
    }

    static double[] gradient(double[] x, Scalar scalar) {
        return gradient(x, 0, x.length, scalar, () -> { });
    }

    /** ‖analytic − numeric‖∞ / ‖analytic‖∞ ≤ 1e-6 (norm-wise, so components near zero do not dominate). */
    static void assertClose(double[] analytic, int from, double[] numeric, String what) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < numeric.length; i++) {
            diff = Math.max(diff, Math.abs(analytic[from + i] - numeric[i]));
            scale = Math.max(scale, Math.abs(analytic[from + i]));
        }
        assertTrue(scale > 0, what + ": the analytic gradient is zero everywhere, the check would be vacuous");
        double relative = diff / scale;
        assertTrue(relative <= TOLERANCE, what + ": VJP differs from central differences by " + relative
                + " (relative, max-norm); tolerance " + TOLERANCE);
    }

    static void assertClose(double[] analytic, double[] numeric, String what) {
        assertClose(analytic, 0, numeric, what);
    }

    static double dot(double[] a, double[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] gaussian(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian() * scale;
        }
        return v;
    }
}
