package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.testing.MlpCase;
import io.odestream.ode.testing.TanhMlpField;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-row step control: every row has its own span, step size and controller; rows finish on their
 * own while evaluations stay batched. It must be exactly B independent single-row solves.
 */
class PerRowStepControlTest {
    private static final MlpCase CASE = MlpCase.load();
    private static final int ROWS = 24;

    @Test
    void equalsIndependentSingleRowSolvesBitForBit() {
        TanhMlpField field = CASE.field();
        Random random = new Random(7);
        double[] z0 = randomStates(random, ROWS);
        double[] t0 = new double[ROWS];
        double[][] outputs = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            t0[r] = random.nextDouble() * 3;
            // Exponentially distributed spans, some backwards, with outputs inside the span.
            double span = -Math.log(1 - random.nextDouble()) * 2 * (r % 5 == 4 ? -1 : 1);
            outputs[r] = new double[] {t0[r] + 0.3 * span, t0[r] + 0.7 * span, t0[r] + span};
        }
        for (ButcherTableau method : new ButcherTableau[] {DormandPrince54.TABLEAU, Tsitouras54.TABLEAU,
            BogackiShampine32.TABLEAU}) {
            RungeKuttaSolver batch = new RungeKuttaSolver(method, StepControl.adaptive(1e-7, 1e-9).build());
            Solution together = batch.solvePerRow(field, z0, ROWS, t0, outputs, SolveOptions.DEFAULT);
            RungeKuttaSolver single = new RungeKuttaSolver(method, StepControl.adaptive(1e-7, 1e-9).build());
            for (int r = 0; r < ROWS; r++) {
                double[] row = java.util.Arrays.copyOfRange(z0, r * CASE.d, (r + 1) * CASE.d);
                Solution alone = single.solvePerRow(field, row, 1, new double[] {t0[r]}, new double[][] {outputs[r]},
                        SolveOptions.DEFAULT);
                for (int q = 0; q < outputs[r].length; q++) {
                    assertArrayEquals(alone.rowState(0, q), together.rowState(r, q), 0.0,
                            method.name() + " row " + r + " output " + q);
                }
                assertEquals(alone.stats().accepted(0), together.stats().accepted(r), method.name() + " row " + r);
                assertEquals(alone.stats().rejected(0), together.stats().rejected(r), method.name() + " row " + r);
                assertEquals(alone.stats().evaluations(0), together.stats().evaluations(r));
            }
        }
    }

    @Test
    void rowsTakeOnlyTheStepsTheirOwnSpanNeeds() {
        TanhMlpField field = CASE.field();
        double[] z0 = randomStates(new Random(3), 3);
        double[] t0 = {0, 0, 0};
        double[] t1 = {0.1, 1.0, 5.0};
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        Solution perRow = solver.solvePerRow(field, z0, 3, t0, t1);
        assertTrue(perRow.stats().accepted(0) < perRow.stats().accepted(1));
        assertTrue(perRow.stats().accepted(1) < perRow.stats().accepted(2));
        // Shared control pays the longest span (and the hardest row) for every row.
        Solution shared = solver.solve(field, z0, 3, 0, new double[] {5.0});
        assertTrue(perRow.stats().accepted(0) < shared.stats().accepted(0));
        // Evaluations stay batched: there are fewer calls than row-evaluations.
        assertTrue(perRow.stats().evaluations() < perRow.stats().rowEvaluations());
        for (int r = 0; r < 3; r++) {
            assertEquals(t1[r], perRow.endTime(r));
        }
    }

    @Test
    void fixedStepRowsFollowTheirOwnGrids() {
        TanhMlpField field = CASE.field();
        double[] z0 = randomStates(new Random(5), 2);
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.1));
        Solution s = solver.solvePerRow(field, z0, 2, new double[] {0, 1}, new double[] {1.0, 1.55});
        assertEquals(10, s.stats().accepted(0));
        assertEquals(6, s.stats().accepted(1), "0.55 / 0.1 rounds up to 6 steps, the last one shortened");
    }

    static double[] randomStates(Random random, int rows) {
        double[] z = new double[rows * CASE.d];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        return z;
    }
}
