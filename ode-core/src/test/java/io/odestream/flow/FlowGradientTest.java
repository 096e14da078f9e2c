package io.odestream.flow;

import static io.odestream.flow.CnfFieldVjpTest.assertClose;
import static io.odestream.flow.CnfFieldVjpTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.SolveOptions;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.SolverBackprop;
import io.odestream.ode.control.FixedStep;
import io.odestream.ode.rk.RungeKutta4;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The training gradient of a conditional flow's mean NLL, three ways: the adjoint method (what
 * training uses), back-propagation through the solver's steps (the exact gradient of the computed
 * solution) and central finite differences of that computed NLL. Back-propagation must match the
 * differences to rounding; the adjoint differs from both only by the backward solve's own
 * discretisation error, O(h⁴) for RK4.
 */
class FlowGradientTest {
    private static final int D = 2;
    private static final int C = 2;
    private static final int H = 6;
    private static final int ROWS = 4;
    private static final long NOISE_SEED = 11;

    @ParameterizedTest
    @EnumSource(TraceMode.class)
    void adjointBackpropagationAndFiniteDifferencesAgree(TraceMode mode) {
        Random random = new Random(3);
        double[] theta = gaussian(random, CnfField.parameterCount(D, C, H), 0.7);
        CnfField field = new CnfField(D, C, H, mode, theta);
        FixedStep step = new FixedStep(0.05);
        ContinuousFlow flow = new ContinuousFlow(field, RungeKutta4.TABLEAU, step);
        double[] x = gaussian(random, ROWS * D, 1.0);
        double[] context = gaussian(random, ROWS * C, 1.0);

        double[] adjoint = FlowTraining.lossAndGradient(flow, new AdjointMethod(RungeKutta4.TABLEAU, step, false), x,
                context, ROWS, new SplittableRandom(NOISE_SEED)).gradient();

        double[] start = flow.augmented(x, context, ROWS, new SplittableRandom(NOISE_SEED));
        Solution taped = flow.solver().solve(field, start, ROWS, 0.0, new double[] {ContinuousFlow.END_TIME},
                SolveOptions.DEFAULT.withDenseRecording());
        double[] backprop = SolverBackprop.gradients(field, taped, FlowTraining.cotangents(field, taped, ROWS))
                .parameters();

        double[] numeric = CnfFieldVjpTest.numericGradient(theta, () -> FlowTraining.meanNll(field,
                flow.forward(x, context, ROWS, new SplittableRandom(NOISE_SEED)), ROWS));

        assertClose(backprop, numeric, mode + ": back-propagation vs finite differences");
        assertRelativeDistance(adjoint, backprop, 1e-5, mode + ": adjoint vs back-propagation");
    }

    private static void assertRelativeDistance(double[] a, double[] b, double tolerance, String what) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        assertTrue(diff / scale <= tolerance, what + ": relative max-norm distance " + diff / scale);
    }
}
