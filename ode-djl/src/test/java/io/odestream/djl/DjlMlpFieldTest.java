package io.odestream.djl;

import static io.odestream.djl.Agreement.assertClose;
import static io.odestream.djl.Agreement.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The djl MLP field against ode-core's {@link NeuralVectorField} with the same parameter vector.
 *
 * <p>Tolerance for one evaluation, 1e-14 in {@code |djl − java| / (1 + |java|)}: both sides are
 * float64 and compute the same formula; they differ in the summation order of the two matrix
 * products (PyTorch's blocked GEMM vs ode-core's index-order loop, sums of 16 and 64 products,
 * each order within n·ε·Σ|terms| ≈ 64 · 1.1e-16 · O(1) ≈ 7e-15 of the exact sum) and in tanh
 * (ode-core's BranchFreeTanh and PyTorch's vectorised tanh are each within a few ulps). The VJP adds the
 * transposed products of the backward pass: same order of error. Measured on CPU: at most 5.3e-16
 * (a few ulps), so 1e-14 leaves a margin of 20 without hiding a real defect (a float32 weight copy
 * would show up as ~1e-8).
 */
class DjlMlpFieldTest {
    private static final double ONE_EVALUATION = 1e-14;
    private static final MlpCaseFile CASE = MlpCaseFile.load();
    private static final DjlDevice DEVICE = DjlDevice.fromSystemProperty();
    private static final NeuralVectorField JAVA = CASE.javaField();
    private static final DjlMlpField DJL = DjlMlpField.of(JAVA, DEVICE);

    @AfterAll
    static void close() {
        DJL.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 64, 1000})
    void forwardAgreesOnTheReferenceWeights(int rows) {
        double[] z = gaussian(rows * 16, rows, 1.5);
        double[] t = new double[rows];
        double[] expected = new double[rows * 16];
        double[] actual = new double[rows * 16];
        JAVA.evaluate(t, z, expected, rows);
        DJL.evaluate(t, z, actual, rows);
        assertClose(actual, expected, ONE_EVALUATION, "f(z) at B=" + rows);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 64, 1000})
    void vjpAgreesInStateAndParametersAndAccumulates(int rows) {
        double[] z = gaussian(rows * 16, 100 + rows, 1.5);
        double[] a = gaussian(rows * 16, 200 + rows, 1.0);
        double[] t = new double[rows];
        int p = JAVA.parameterCount();
        double[] azJava = new double[rows * 16];
        double[] azDjl = new double[rows * 16];
        double[] thetaJava = gaussian(p, 7, 1.0);
        double[] thetaDjl = thetaJava.clone();
        JAVA.vjp(t, z, a, azJava, thetaJava, rows);
        DJL.vjp(t, z, a, azDjl, thetaDjl, rows);
        assertClose(azDjl, azJava, ONE_EVALUATION, "aᵀ∂f/∂z at B=" + rows);
        // accumulated onto the same non-zero start: a sum over B rows of products, so its error
        // grows like the sum; scaled by (1 + |value|) it stays at one evaluation's level for B ≤ 1000
        assertClose(thetaDjl, thetaJava, ONE_EVALUATION * Math.max(1, Math.sqrt(rows)), "aθ += aᵀ∂f/∂θ at B=" + rows);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class)
    void everyActivationAndTimeDependenceAgree(Activation hidden) {
        NeuralVectorField java = NeuralVectorField.create(5, new int[] {12, 7}, hidden, Activation.TANH, true, 42L);
        try (DjlMlpField djl = DjlMlpField.of(java, DEVICE)) {
            int rows = 9;
            double[] z = gaussian(rows * 5, 1, 1.0);
            double[] t = gaussian(rows, 2, 2.0);
            double[] a = gaussian(rows * 5, 3, 1.0);
            double[] expected = new double[rows * 5];
            double[] actual = new double[rows * 5];
            java.evaluate(t, z, expected, rows);
            djl.evaluate(t, z, actual, rows);
            assertClose(actual, expected, ONE_EVALUATION, hidden + " forward");
            double[] azJava = new double[rows * 5];
            double[] azDjl = new double[rows * 5];
            double[] thJava = new double[java.parameterCount()];
            double[] thDjl = new double[java.parameterCount()];
            java.vjp(t, z, a, azJava, thJava, rows);
            djl.vjp(t, z, a, azDjl, thDjl, rows);
            assertClose(azDjl, azJava, ONE_EVALUATION, hidden + " aᵀ∂f/∂z");
            assertClose(thDjl, thJava, ONE_EVALUATION, hidden + " aᵀ∂f/∂θ");
        }
    }

    @Test
    void tensorEvaluationOnTheDeviceMatchesTheArrayContract() {
        int rows = 32;
        double[] z = gaussian(rows * 16, 5, 1.0);
        double[] viaArrays = new double[rows * 16];
        DJL.evaluate(new double[rows], z, viaArrays, rows);
        try (var scope = DEVICE.newManager()) {
            double[] viaTensor = DJL.evaluate(0.0, DjlMlpField.upload(scope, z, rows, 16)).toDoubleArray();
            assertClose(viaTensor, viaArrays, 0.0, "same kernels, same bits");
        }
    }

    @Test
    void followsParameterUpdatesOfTheSharedVector() {
        NeuralVectorField java = NeuralVectorField.create(4, new int[] {8}, Activation.TANH, Activation.IDENTITY,
                false, 3L);
        try (DjlMlpField djl = DjlMlpField.of(java, DEVICE)) {
            double[] z = gaussian(8, 9, 1.0);
            double[] before = new double[8];
            djl.evaluate(new double[2], z, before, 2);
            java.parameters()[java.parameterCount() - 1] += 0.5; // last output bias
            java.parametersChanged();
            double[] expected = new double[8];
            double[] actual = new double[8];
            java.evaluate(new double[2], z, expected, 2);
            djl.evaluate(new double[2], z, actual, 2);
            assertClose(actual, expected, ONE_EVALUATION, "after an in-place update");
            assertEquals(before[3] + 0.5, actual[3], 1e-12, "the bias moved component 3 by 0.5");
        }
    }

    @Test
    void callsLeaveNoTensorsBehind() {
        int resident = DJL.residentArrays();
        assertEquals(4, resident, "two weights and two biases");
        int rows = 16;
        double[] z = gaussian(rows * 16, 11, 1.0);
        double[] out = new double[rows * 16];
        double[] theta = new double[DJL.parameterCount()];
        for (int i = 0; i < 50; i++) {
            DJL.evaluate(new double[rows], z, out, rows);
            DJL.vjp(new double[rows], z, z, out, theta, rows);
        }
        assertEquals(resident, DJL.residentArrays(), "arrays held by the field's manager after 100 calls");
    }

    @Test
    void refusesALayoutItDoesNotMatch() {
        NeuralVectorField java = NeuralVectorField.create(4, new int[] {8}, Activation.TANH, Activation.IDENTITY,
                false, 3L);
        var wrongSpec = io.odestream.nn.MlpSpec.of(Activation.TANH, Activation.IDENTITY, 4, 9, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DjlMlpField(wrongSpec, java.mlp().parameters(), "mlp", false, DEVICE));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("mlp.0.weight"), e.getMessage());
    }
}
