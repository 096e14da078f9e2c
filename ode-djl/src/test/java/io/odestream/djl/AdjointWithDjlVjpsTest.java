package io.odestream.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.adjoint.SolverBackprop;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * ode-core's adjoint method and back-propagation through the solver, fed by the djl field's VJPs
 * (PyTorch autograd) instead of the hand-written ones, on the bundled torchdiffeq case with
 * {@code L = Σ z(T)²}: the gradient torchdiffeq stored in {@code gradients_tight_backprop}.
 * The integration loops are ode-core's; what is checked here is that the autograd VJPs are
 * drop-in replacements. (A backward solve on tensors is not built yet.)
 */
class AdjointWithDjlVjpsTest {
    private static final MlpCaseFile CASE = MlpCaseFile.load();
    private static final DjlDevice DEVICE = DjlDevice.fromSystemProperty();
    private static final NeuralVectorField JAVA = CASE.javaField();
    private static final DjlMlpField DJL = DjlMlpField.of(JAVA, DEVICE);

    @AfterAll
    static void close() {
        DJL.close();
    }

    @Test
    void backpropThroughTheSameTapeAgreesToRoundOff() {
        Solution forward = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build())
                .solve(JAVA, CASE.z0.clone(), CASE.b, CASE.t0, new double[] {CASE.t1},
                        SolveOptions.DEFAULT.withDenseRecording());
        double[][] cot = sumOfSquaresCotangent(forward);
        Gradients java = SolverBackprop.gradients(JAVA, forward, cot);
        Gradients djl = SolverBackprop.gradients(DJL, forward, cot);
        // One fixed sequence of VJPs (the tape's steps), each within 1e-14 scaled (DjlMlpFieldTest),
        // summed over ~250 stage VJPs: 1e-12 of the gradient's scale; measured 6.4e-16.
        assertScaledClose(java.initialState(), djl.initialState(), 1e-12, "backprop dL/dz0");
        assertScaledClose(java.parameters(), djl.parameters(), 1e-12, "backprop dL/dθ");
    }

    @Test
    void adjointWithAutogradVjpsReproducesTorchdiffeqsGradient() {
        Solution forward = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build())
                .solve(JAVA, CASE.z0.clone(), CASE.b, CASE.t0, new double[] {CASE.t1});
        double[][] cot = sumOfSquaresCotangent(forward);
        AdjointMethod adjoint = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build(),
                false);
        Gradients java = adjoint.gradients(JAVA, forward, CASE.t0, cot);
        Gradients djl = adjoint.gradients(DJL, forward, CASE.t0, cot);
        // The backward solve is adaptive at rtol 1e-10: its step sizes may move by ~ε/rtol ≈ 1e-6
        // relative between the backends, which changes the result by that fraction of the local
        // error (≪ 1e-12), so round-off dominates; measured 1.1e-15 of the gradient's scale. 1e-11
        // leaves room for a different step count, which would move it by ~rtol.
        assertScaledClose(java.initialState(), djl.initialState(), 1e-11, "adjoint dL/dz0 java vs djl");
        assertScaledClose(java.parameters(), djl.parameters(), 1e-11, "adjoint dL/dθ java vs djl");
        assertScaledClose(CASE.rows("gradients_tight_backprop", "dL_dz0"), djl.initialState(), 1e-7,
                "djl adjoint dL/dz0 vs torchdiffeq");
        assertScaledClose(torchParameterGradient(), djl.parameters(), 1e-7, "djl adjoint dL/dθ vs torchdiffeq");
        assertEquals(java.backward().evaluations(), djl.backward().evaluations(), "backward NFE");
    }

    private static double[][] sumOfSquaresCotangent(Solution forward) {
        double[][] cot = new double[forward.rows()][];
        for (int r = 0; r < forward.rows(); r++) {
            double[] z = forward.rowFinal(r);
            cot[r] = new double[z.length];
            for (int j = 0; j < z.length; j++) {
                cot[r][j] = 2 * z[j];
            }
        }
        return cot;
    }

    /** torch's gradient in the parameter layout [W1, b1, W2, b2]. */
    private static double[] torchParameterGradient() {
        String[] names = {"dL_dW1", "dL_db1", "dL_dW2", "dL_db2"};
        double[][] parts = new double[names.length][];
        int n = 0;
        for (int i = 0; i < names.length; i++) {
            parts[i] = CASE.rows("gradients_tight_backprop", names[i]);
            n += parts[i].length;
        }
        double[] all = new double[n];
        int offset = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, offset, p.length);
            offset += p.length;
        }
        return all;
    }

    /** max |expected − actual| ≤ relative · max(1, max |expected|): relative to the gradient's scale. */
    private static void assertScaledClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double diff = Math.abs(expected[i] - actual[i]);
            worst = diff > worst || Double.isNaN(diff) ? diff : worst;
        }
        assertTrue(worst <= relative * scale, what + ": max diff " + worst + " > " + relative + " × " + scale);
    }
}
