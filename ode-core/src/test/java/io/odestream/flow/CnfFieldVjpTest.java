package io.odestream.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The field's hand-written vector–Jacobian products, second-order trace terms included, against
 * central finite differences of {@code aᵀF(t, y; θ)}: in θ, in the state (z, the context and ε) and
 * for a batch of rows with their own times and cotangents.
 */
class CnfFieldVjpTest {
    private static final int D = 3;
    private static final int C = 2;
    private static final int H = 5;
    private static final int ROWS = 3;
    private static final double STEP = 1e-5;
    /** Central differences at h = 1e-5 are accurate to ~1e-10 here; 1e-6 relative leaves room for rounding. */
    private static final double TOLERANCE = 1e-6;

    @ParameterizedTest
    @EnumSource(TraceMode.class)
    void parameterAndStateCotangentsMatchFiniteDifferences(TraceMode mode) {
        Random random = new Random(23);
        double[] theta = gaussian(random, CnfField.parameterCount(D, C, H), 0.8);
        CnfField field = new CnfField(D, C, H, mode, theta);
        int width = field.dimension();
        double[] t = {0.1, 0.5, 0.9};
        double[] y = gaussian(random, ROWS * width, 1.0);
        double[] a = gaussian(random, ROWS * width, 1.0);

        double[] ay = new double[ROWS * width];
        double[] aTheta = new double[theta.length];
        field.vjp(t, y, a, ay, aTheta, ROWS);

        assertClose(aTheta, numericGradient(theta, () -> weighted(field, t, y, a)), mode + ": dθ");
        assertClose(ay, numericGradient(y, () -> weighted(field, t, y, a)), mode + ": dy");
    }

    @ParameterizedTest
    @EnumSource(TraceMode.class)
    void logDensityRateIsMinusTheTraceOrItsEstimateOfTheJacobian(TraceMode mode) {
        Random random = new Random(5);
        double[] theta = gaussian(random, CnfField.parameterCount(D, 0, H), 0.8);
        CnfField field = new CnfField(D, 0, H, mode, theta);
        int width = field.dimension();
        double[] y = gaussian(random, width, 1.0);
        if (mode == TraceMode.HUTCHINSON) {
            y[field.noiseIndex()] = 1;
            y[field.noiseIndex() + 1] = -1;
            y[field.noiseIndex() + 2] = 1;
        }
        double[] t = {0.3};
        double[] dy = new double[width];
        field.evaluate(t, y, dy, 1);

        double[][] jacobian = new double[D][D];
        for (int j = 0; j < D; j++) {
            double[] plus = y.clone();
            double[] minus = y.clone();
            plus[j] += STEP;
            minus[j] -= STEP;
            double[] fPlus = new double[width];
            double[] fMinus = new double[width];
            field.evaluate(t, plus, fPlus, 1);
            field.evaluate(t, minus, fMinus, 1);
            for (int i = 0; i < D; i++) {
                jacobian[i][j] = (fPlus[i] - fMinus[i]) / (2 * STEP);
            }
        }
        double expected = 0;
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                double weight = mode == TraceMode.EXACT ? (i == j ? 1 : 0) : y[field.noiseIndex() + i]
                        * y[field.noiseIndex() + j];
                expected += weight * jacobian[i][j];
            }
        }
        assertEquals(-expected, dy[D], 1e-8, "dℓ/dt against the finite-difference Jacobian");
    }

    private static double weighted(CnfField field, double[] t, double[] y, double[] a) {
        double[] dy = new double[y.length];
        field.evaluate(t, y, dy, ROWS);
        double sum = 0;
        for (int i = 0; i < dy.length; i++) {
            sum += a[i] * dy[i];
        }
        return sum;
    }

    static double[] numericGradient(double[] x, java.util.function.DoubleSupplier scalar) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + STEP;
            double plus = scalar.getAsDouble();
            x[i] = saved - STEP;
            double minus = scalar.getAsDouble();
            x[i] = saved;
            g[i] = (plus - minus) / (2 * STEP);
        }
        return g;
    }

    /** ‖analytic − numeric‖∞ / ‖analytic‖∞ within tolerance (norm-wise, so near-zero entries do not dominate). */
    static void assertClose(double[] analytic, double[] numeric, String what) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < numeric.length; i++) {
            diff = Math.max(diff, Math.abs(analytic[i] - numeric[i]));
            scale = Math.max(scale, Math.abs(analytic[i]));
        }
        assertTrue(scale > 0, what + ": the analytic gradient is zero, the check would be vacuous");
        assertTrue(diff / scale <= TOLERANCE, what + ": differs from central differences by " + diff / scale
                + " (relative, max-norm)");
    }

    static double[] gaussian(Random random, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * random.nextGaussian();
        }
        return x;
    }
}
