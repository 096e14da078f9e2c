package io.odestream.flow;

import static io.odestream.flow.CnfFieldVjpTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.Tolerances;
import io.odestream.ode.rk.DormandPrince54;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The instantaneous change of variables is the change of variables: for a conditional flow with
 * non-trivial dynamics, solved tightly,
 * <ul>
 *   <li>a sample's log-density accumulated on its backward solve from the base equals the
 *       log-density the forward solve assigns to that sample, and</li>
 *   <li>both equal {@code log N(Φ(x)) + log|det ∂Φ/∂x|} with the Jacobian of the flow map Φ taken
 *       by finite differences of whole solves — an independent check of the integrated trace.</li>
 * </ul>
 */
class ChangeOfVariablesTest {
    private static final int D = 2;
    private static final int C = 1;
    private static final int H = 8;
    private static final int ROWS = 5;
    private static final SplittableRandom UNUSED_NOISE = new SplittableRandom(0);

    private final Random random = new Random(21);
    private final CnfField field = new CnfField(D, C, H, TraceMode.EXACT,
            gaussian(random, CnfField.parameterCount(D, C, H), 0.9));
    private final ContinuousFlow flow = new ContinuousFlow(field, DormandPrince54.TABLEAU,
            AdaptiveStep.builder(Tolerances.of(1e-10, 1e-10)).build());
    private final double[] context = gaussian(random, ROWS * C, 1.0);

    @Test
    void backwardSamplesGetTheLogDensityTheForwardSolveGivesThem() {
        double[] base = gaussian(random, ROWS * D, 1.0);
        FlowSamples samples = flow.sample(base, context, ROWS, UNUSED_NOISE);

        double[] forward = flow.logDensity(samples.points(), context, ROWS, UNUSED_NOISE);

        for (int r = 0; r < ROWS; r++) {
            assertEquals(samples.logDensity()[r], forward[r], 1e-7, "row " + r);
        }
    }

    @Test
    void integratedTraceIsTheLogDeterminantOfTheFlowMap() {
        double[] x = gaussian(random, ROWS * D, 1.0);
        double[] logDensity = flow.logDensity(x, context, ROWS, UNUSED_NOISE);
        double step = 1e-5;
        for (int r = 0; r < ROWS; r++) {
            double[] point = {x[r * D], x[r * D + 1]};
            double[] c = {context[r]};
            double[][] jacobian = new double[D][D];
            for (int j = 0; j < D; j++) {
                double[] plus = point.clone();
                double[] minus = point.clone();
                plus[j] += step;
                minus[j] -= step;
                double[] up = endPoint(plus, c);
                double[] down = endPoint(minus, c);
                for (int i = 0; i < D; i++) {
                    jacobian[i][j] = (up[i] - down[i]) / (2 * step);
                }
            }
            double determinant = jacobian[0][0] * jacobian[1][1] - jacobian[0][1] * jacobian[1][0];
            double expected = ContinuousFlow.logStandardNormal(endPoint(point, c), 0, D)
                    + Math.log(Math.abs(determinant));
            assertEquals(expected, logDensity[r], 1e-6, "row " + r);
        }
    }

    /** Φ(x): the forward solve's z at t = 1. */
    private double[] endPoint(double[] point, double[] c) {
        double[] end = flow.forward(point, c, 1, UNUSED_NOISE).state(0);
        return new double[] {end[0], end[1]};
    }
}
