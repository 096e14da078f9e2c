package io.odestream.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta38;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written field kernels compute what ode-core's NeuralVectorField computes: on random
 * weights (non-zero biases) and random states and cotangents, the plain-Java and Vector API
 * kernels' f(z), aᵀ∂f/∂z and accumulated aᵀ∂f/∂θ agree with ode-core's to 1e-12 relative (largest
 * difference over the largest magnitude of each output), and plugged behind the field they give
 * the adjoint's gradients.
 */
class FieldKernelsTest {
    private static final int D = 16;
    private static final int H = 64;
    private static final double TOLERANCE = 1e-12;

    @Test
    void plainJavaKernelMatchesOdeCore() {
        for (int rows : new int[] {1, 3, 64}) {
            NeuralVectorField field = randomField(11 + rows);
            assertSameNumbers(field, new PlainJavaFieldKernel(new TanhMlpWeights(field), rows), rows);
        }
    }

    @Test
    void vectorApiKernelMatchesOdeCore() {
        for (int rows : new int[] {8, 64}) {
            NeuralVectorField field = randomField(23 + rows);
            assertSameNumbers(field, new VectorApiFieldKernel(new TanhMlpWeights(field), rows), rows);
        }
    }

    @Test
    void theAdjointWithAKernelBehindTheFieldGivesOdeCoresGradients() {
        int rows = 8;
        NeuralVectorField field = randomField(41);
        double[] z0 = gaussian(new Random(42), rows * D, 1.0);
        Gradients expected = adjointGradients(field, z0, rows);
        TanhMlpWeights weights = new TanhMlpWeights(field);
        for (FieldKernel kernel : new FieldKernel[] {new PlainJavaFieldKernel(weights, rows),
                new VectorApiFieldKernel(weights, rows)}) {
            Gradients actual = adjointGradients(new KernelBackedField(field, kernel), z0, rows);
            assertClose("dL/dz0", expected.initialState(), actual.initialState(), 1e-11);
            assertClose("dL/dθ", expected.parameters(), actual.parameters(), 1e-11);
        }
    }

    @Test
    void theVectorKernelReusesAForwardPassOnlyAtTheSameState() {
        int rows = 16;
        NeuralVectorField field = randomField(31);
        VectorApiFieldKernel kernel = new VectorApiFieldKernel(new TanhMlpWeights(field), rows);
        Random random = new Random(32);
        double[] z = gaussian(random, rows * D, 1.0);
        double[] a = gaussian(random, rows * D, 1.0);
        double[] dz = new double[rows * D];
        double[] azFused = new double[rows * D];
        double[] thetaFused = new double[field.parameterCount()];
        double[] azReused = new double[rows * D];
        double[] thetaReused = new double[field.parameterCount()];
        assertTrue(!kernel.vjpAfterForward(z, a, azReused, thetaReused), "no forward pass yet");
        kernel.augmented(z, a, dz, azFused, thetaFused);
        kernel.forward(z, dz);
        assertTrue(kernel.vjpAfterForward(z.clone(), a, azReused, thetaReused));
        assertArrayEquals(azFused, azReused);
        assertArrayEquals(thetaFused, thetaReused);
        double[] moved = z.clone();
        moved[rows * D - 1] += 1e-9;
        double[] untouched = new double[rows * D];
        assertTrue(!kernel.vjpAfterForward(moved, a, untouched, new double[field.parameterCount()]));
        assertArrayEquals(new double[rows * D], untouched);
    }

    @Test
    void vectorisableTanhIsWithinAFewUlpsOfMathTanh() {
        Random random = new Random(5);
        double worst = 0.0;
        for (int k = 0; k < 200_000; k++) {
            double x = k % 2 == 0 ? 50.0 * (random.nextDouble() - 0.5)
                    : random.nextGaussian() * Math.pow(10, -random.nextInt(100));
            double expected = Math.tanh(x);
            worst = Math.max(worst, Math.abs(VectorisableTanh.tanh(x) - expected) / Math.abs(expected));
        }
        assertTrue(worst < 2e-15, "worst relative error " + worst);
        assertEquals(1.0, VectorisableTanh.tanh(1e6));
        assertEquals(-1.0, VectorisableTanh.tanh(-1e6));
        assertEquals(1.0, VectorisableTanh.tanh(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(VectorisableTanh.tanh(Double.NaN)));
    }

    @Test
    void vectorTanhGivesTheScalarFormulasBits() {
        Random random = new Random(6);
        int n = 8 * VectorApiFieldKernel.SPECIES.length();
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = 10.0 * random.nextGaussian();
        }
        // where the scalar form clamps and the vector form blends, and around it
        double[] edges = {20.0, -20.0, Math.nextUp(20.0), Math.nextDown(-20.0), 19.5, -19.5, 25.0, -25.0, 1e6,
            -1e6, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.0, 1e-300, -0.3};
        System.arraycopy(edges, 0, x, 0, edges.length);
        double[] y = new double[n];
        for (int k = 0; k < n; k += VectorApiFieldKernel.SPECIES.length()) {
            VectorApiFieldKernel.tanh(jdk.incubator.vector.DoubleVector.fromArray(VectorApiFieldKernel.SPECIES, x, k))
                    .intoArray(y, k);
        }
        for (int k = 0; k < n; k++) {
            assertEquals(VectorisableTanh.tanh(x[k]), y[k], 0.0, "x = " + x[k]);
        }
    }

    @Test
    void shapesTheKernelsCannotTakeAreRejected() {
        NeuralVectorField field = randomField(1);
        TanhMlpWeights weights = new TanhMlpWeights(field);
        assertMessage("rows", () -> new VectorApiFieldKernel(weights, 12));
        assertMessage("rows", () -> new PlainJavaFieldKernel(weights, 0));
        NeuralVectorField timeDependent = NeuralVectorField.create(D, new int[] {H}, Activation.TANH,
                Activation.IDENTITY, true, 1);
        assertMessage("time-independent", () -> new TanhMlpWeights(timeDependent));
        NeuralVectorField odd = NeuralVectorField.create(12, new int[] {H}, Activation.TANH, Activation.IDENTITY,
                false, 1);
        assertMessage("D and H", () -> new VectorApiFieldKernel(new TanhMlpWeights(odd), 8));
    }

    private static void assertSameNumbers(NeuralVectorField field, FieldKernel kernel, int rows) {
        CurrentFieldKernel reference = new CurrentFieldKernel(field, rows);
        Random random = new Random(rows);
        double[] z = gaussian(random, rows * D, 1.5);
        double[] a = gaussian(random, rows * D, 1.0);
        double[] forwardExpected = new double[rows * D];
        double[] forwardActual = new double[rows * D];
        reference.forward(z, forwardExpected);
        kernel.forward(z, forwardActual);
        assertClose("forward f(z)", forwardExpected, forwardActual);

        double[] dzExpected = new double[rows * D];
        double[] azExpected = new double[rows * D];
        // both start from the same non-zero cotangent: the kernels must accumulate, not overwrite
        double[] thetaExpected = gaussian(random, field.parameterCount(), 0.1);
        double[] dzActual = new double[rows * D];
        double[] azActual = new double[rows * D];
        double[] thetaActual = thetaExpected.clone();
        double[] thetaBefore = thetaExpected.clone();
        reference.augmented(z, a, dzExpected, azExpected, thetaExpected);
        kernel.augmented(z, a, dzActual, azActual, thetaActual);
        assertClose("augmented f(z)", dzExpected, dzActual);
        assertClose("aᵀ∂f/∂z", azExpected, azActual);
        assertClose("aᵀ∂f/∂θ (accumulated)", thetaExpected, thetaActual);
        for (int k = 0; k < thetaBefore.length; k++) {
            thetaExpected[k] -= thetaBefore[k];
            thetaActual[k] -= thetaBefore[k];
        }
        assertClose("aᵀ∂f/∂θ (increment)", thetaExpected, thetaActual, 1e-11);
    }

    /** L = Σ z(T)² at T = 0.2, rk4 (3/8) h = 0.05: GradientBenchmark's setup on a shorter span. */
    private static Gradients adjointGradients(DifferentiableVectorField f, double[] z0, int rows) {
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta38.TABLEAU, StepControl.fixed(0.05));
        Solution forward = solver.solve(f, z0, rows, 0.0, new double[] {0.2});
        double[][] cotangents = new double[rows][];
        for (int r = 0; r < rows; r++) {
            cotangents[r] = forward.rowFinal(r);
            for (int j = 0; j < D; j++) {
                cotangents[r][j] *= 2;
            }
        }
        return new AdjointMethod(RungeKutta38.TABLEAU, StepControl.fixed(0.05), false)
                .gradients(f, forward, 0.0, cotangents);
    }

    private static void assertClose(String what, double[] expected, double[] actual) {
        assertClose(what, expected, actual, TOLERANCE);
    }

    private static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        double scale = 0.0;
        double diff = 0.0;
        for (int k = 0; k < expected.length; k++) {
            scale = Math.max(scale, Math.abs(expected[k]));
            diff = Math.max(diff, Math.abs(expected[k] - actual[k]));
        }
        assertTrue(scale > 0.0, what + " is all zeros: the comparison would prove nothing");
        assertTrue(diff <= tolerance * scale, what + ": largest difference " + diff + " on a scale of " + scale);
    }

    /** ode-core's seeded initialisation plus noise on every parameter, so the biases are non-zero too. */
    private static NeuralVectorField randomField(long seed) {
        NeuralVectorField field = NeuralVectorField.create(D, new int[] {H}, Activation.TANH, Activation.IDENTITY,
                false, seed);
        Random random = new Random(seed + 1000);
        double[] p = field.parameters();
        for (int k = 0; k < p.length; k++) {
            p[k] += 0.1 * random.nextGaussian();
        }
        field.parametersChanged();
        return field;
    }

    private static double[] gaussian(Random random, int n, double sigma) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[k] = sigma * random.nextGaussian();
        }
        return out;
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
