package io.odestream.ode.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKutta4;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.Tsitouras54;
import io.odestream.ode.testing.MlpCase;
import io.odestream.ode.testing.TanhMlpField;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients of {@code L = Σ z(T)²} (the bundled torchdiffeq case, test resource anchors/mlp_case.json)
 * and of losses on several outputs,
 * by back-propagation through the solver and by the adjoint method, held against torchdiffeq's
 * tight back-propagation, against each other, and against central finite differences.
 */
class GradientThroughSolveTest {
    private static final MlpCase CASE = MlpCase.load();

    @Test
    void backpropAndAdjointReproduceTorchdiffeqsGradients() {
        TanhMlpField f = CASE.field();
        double[] expectedZ0 = CASE.rows("gradients_tight_backprop", "dL_dz0");
        double[] expectedTheta = torchParameterGradient();

        Solution forward = tightForward(f, new double[] {CASE.t1});
        double[][] cot = sumOfSquaresCotangent(forward);
        Gradients backprop = SolverBackprop.gradients(f, forward, cot);
        Gradients adjoint = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build(), false)
                .gradients(f, forward, CASE.t0, cot);

        // Both are within ~1e-9 of the exact gradient at these tolerances; torchdiffeq's too.
        assertClose(expectedZ0, backprop.initialState(), 1e-7, "backprop dL/dz0 vs torchdiffeq");
        assertClose(expectedTheta, backprop.parameters(), 1e-7, "backprop dL/dθ vs torchdiffeq");
        assertClose(expectedZ0, adjoint.initialState(), 1e-7, "adjoint dL/dz0 vs torchdiffeq");
        assertClose(expectedTheta, adjoint.parameters(), 1e-7, "adjoint dL/dθ vs torchdiffeq");
    }

    @Test
    void adjointAgreesWithBackpropWithinTheSolverToleranceScale() {
        TanhMlpField f = CASE.field();
        double[] times = {1.0, 2.5, CASE.t1};
        for (double tol : new double[] {1e-6, 1e-9}) {
            Solution forward = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(tol, tol * 1e-2).build())
                    .solve(f, CASE.z0, CASE.b, CASE.t0, times, SolveOptions.DEFAULT.withDenseRecording());
            double[][] cot = sumOfSquaresCotangent(forward);
            Gradients backprop = SolverBackprop.gradients(f, forward, cot);
            Gradients adjoint = new AdjointMethod(DormandPrince54.TABLEAU,
                    StepControl.adaptive(tol, tol * 1e-2).build(), false).gradients(f, forward, CASE.t0, cot);
            // Two different discretisations of the same gradient: each within ~tol·|grad|·steps.
            double bound = 200 * tol;
            assertClose(backprop.initialState(), adjoint.initialState(), bound, "dL/dz0 at tol " + tol);
            assertClose(backprop.parameters(), adjoint.parameters(), bound, "dL/dθ at tol " + tol);
        }
    }

    @Test
    void theSeminormCutsBackwardStepsWithoutChangingTheGradient() {
        TanhMlpField f = CASE.field();
        Solution forward = tightForward(f, new double[] {CASE.t1});
        double[][] cot = sumOfSquaresCotangent(forward);
        Gradients full = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-7, 1e-9).build(), false)
                .gradients(f, forward, CASE.t0, cot);
        Gradients semi = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-7, 1e-9).build(), true)
                .gradients(f, forward, CASE.t0, cot);
        assertTrue(semi.backward().evaluations() < full.backward().evaluations(),
                "seminorm NFE " + semi.backward().evaluations() + " vs full " + full.backward().evaluations());
        Gradients exact = SolverBackprop.gradients(f, forward, cot);
        assertClose(exact.parameters(), semi.parameters(), 1e-4, "seminorm dL/dθ");
        assertClose(exact.initialState(), semi.initialState(), 1e-4, "seminorm dL/dz0");
    }

    @Test
    void backpropIsTheExactGradientOfTheDiscreteSolve() {
        // Fixed steps make the solve a smooth function of (z0, θ): central differences apply.
        TanhMlpField f = CASE.field();
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.25));
        double[] times = {0.6, 1.3, 2.0}; // 0.6 and 1.3 fall inside steps: the interpolant is differentiated too
        Random random = new Random(11);
        double[][] weights = randomCotangents(random, CASE.b, times.length * CASE.d);
        Solution forward = solver.solve(f, CASE.z0, CASE.b, 0, times, SolveOptions.DEFAULT.withDenseRecording());
        Gradients g = SolverBackprop.gradients(f, forward, weights);
        double[] theta = f.parameters();
        for (int trial = 0; trial < 12; trial++) {
            int i = random.nextInt(theta.length);
            double saved = theta[i];
            double eps = 1e-6;
            theta[i] = saved + eps;
            double up = linearLoss(solver.solve(f, CASE.z0, CASE.b, 0, times), weights);
            theta[i] = saved - eps;
            double down = linearLoss(solver.solve(f, CASE.z0, CASE.b, 0, times), weights);
            theta[i] = saved;
            double fd = (up - down) / (2 * eps);
            assertEquals(fd, g.parameters()[i], 1e-6 * Math.max(1, Math.abs(fd)), "dL/dθ[" + i + "]");
        }
        for (int trial = 0; trial < 8; trial++) {
            int i = random.nextInt(CASE.z0.length);
            double[] z = CASE.z0.clone();
            double eps = 1e-6;
            z[i] += eps;
            double up = linearLoss(solver.solve(f, z, CASE.b, 0, times), weights);
            z[i] -= 2 * eps;
            double down = linearLoss(solver.solve(f, z, CASE.b, 0, times), weights);
            double fd = (up - down) / (2 * eps);
            assertEquals(fd, g.initialState()[i], 1e-6 * Math.max(1, Math.abs(fd)), "dL/dz0[" + i + "]");
        }
    }

    @Test
    void adjointTimeGradientsMatchFiniteDifferences() {
        TanhMlpField f = CASE.field();
        double[] times = {1.0, 2.0};
        Random random = new Random(5);
        double[][] weights = randomCotangents(random, CASE.b, times.length * CASE.d);
        RungeKuttaSolver solver = new RungeKuttaSolver(Tsitouras54.TABLEAU, StepControl.adaptive(1e-11, 1e-13).build());
        Solution forward = solver.solve(f, CASE.z0, CASE.b, 0.0, times);
        Gradients g = new AdjointMethod(Tsitouras54.TABLEAU, StepControl.adaptive(1e-11, 1e-13).build(), true)
                .gradients(f, forward, 0.0, weights);
        double eps = 1e-5;
        // dL/dt0, summed over rows (all rows share t0 here).
        double up = linearLoss(solver.solve(f, CASE.z0, CASE.b, eps, times), weights);
        double down = linearLoss(solver.solve(f, CASE.z0, CASE.b, -eps, times), weights);
        double sumStart = 0;
        for (double v : g.startTimes()) {
            sumStart += v;
        }
        assertEquals((up - down) / (2 * eps), sumStart, 1e-6, "dL/dt0");
        // dL/dt1 (the first output time), summed over rows.
        up = linearLoss(solver.solve(f, CASE.z0, CASE.b, 0.0, new double[] {1.0 + eps, 2.0}), weights);
        down = linearLoss(solver.solve(f, CASE.z0, CASE.b, 0.0, new double[] {1.0 - eps, 2.0}), weights);
        double sumOutput = 0;
        for (double[] row : g.outputTimes()) {
            sumOutput += row[0];
        }
        assertEquals((up - down) / (2 * eps), sumOutput, 1e-6, "dL/dt1");
    }

    @Test
    void perRowGradientsEqualTheRowsGradientsTakenAlone() {
        TanhMlpField f = CASE.field();
        double[] t0 = {0.0, 0.5, 1.0, 0.2};
        double[][] times = {{1.0, 3.0}, {2.0}, {1.5, 2.0, 4.0}, {0.2, 2.2}};
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-9, 1e-11).build());
        Solution forward = solver.solvePerRow(f, CASE.z0, CASE.b, t0, times, SolveOptions.DEFAULT.withDenseRecording());
        Random random = new Random(3);
        double[][] cot = new double[CASE.b][];
        for (int r = 0; r < CASE.b; r++) {
            cot[r] = randomCotangents(random, 1, times[r].length * CASE.d)[0];
        }
        AdjointMethod adjoint = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-9, 1e-11).build(), true);
        Gradients perRow = adjoint.gradientsPerRow(f, forward, t0, cot);
        Gradients backprop = SolverBackprop.gradients(f, forward, cot);
        assertClose(backprop.initialState(), perRow.initialState(), 1e-6, "per-row adjoint vs per-row backprop dz0");
        assertClose(backprop.parameters(), perRow.parameters(), 1e-6, "per-row adjoint vs per-row backprop dθ");
        double[] thetaSum = new double[f.parameterCount()];
        for (int r = 0; r < CASE.b; r++) {
            double[] row = java.util.Arrays.copyOfRange(CASE.z0, r * CASE.d, (r + 1) * CASE.d);
            Solution alone = solver.solve(f, row, 1, t0[r], times[r]);
            Gradients g = adjoint.gradients(f, alone, t0[r], new double[][] {cot[r]});
            assertClose(g.initialState(), java.util.Arrays.copyOfRange(perRow.initialState(), r * CASE.d, (r + 1) * CASE.d),
                    1e-6, "row " + r);
            for (int i = 0; i < thetaSum.length; i++) {
                thetaSum[i] += g.parameters()[i];
            }
        }
        assertClose(thetaSum, perRow.parameters(), 1e-6, "Σ of single-row dθ");
    }

    private static Solution tightForward(TanhMlpField f, double[] times) {
        return new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build())
                .solve(f, CASE.z0, CASE.b, CASE.t0, times, SolveOptions.DEFAULT.withDenseRecording());
    }

    /** dL/dz(t_q) of L = Σ_q Σ z(t_q)². */
    private static double[][] sumOfSquaresCotangent(Solution forward) {
        double[][] cot = new double[forward.rows()][];
        for (int r = 0; r < forward.rows(); r++) {
            int n = forward.outputCount(r) * forward.dimension();
            cot[r] = new double[n];
            for (int q = 0; q < forward.outputCount(r); q++) {
                for (int j = 0; j < forward.dimension(); j++) {
                    cot[r][q * forward.dimension() + j] = 2 * forward.value(r, q, j);
                }
            }
        }
        return cot;
    }

    private static double[][] randomCotangents(Random random, int rows, int n) {
        double[][] w = new double[rows][n];
        for (double[] row : w) {
            for (int i = 0; i < n; i++) {
                row[i] = random.nextGaussian();
            }
        }
        return w;
    }

    /** L = Σ w · z(t_q): its cotangent is w. */
    private static double linearLoss(Solution s, double[][] w) {
        double sum = 0;
        for (int r = 0; r < s.rows(); r++) {
            for (int q = 0; q < s.outputCount(r); q++) {
                for (int j = 0; j < s.dimension(); j++) {
                    sum += w[r][q * s.dimension() + j] * s.value(r, q, j);
                }
            }
        }
        return sum;
    }

    /** torch's gradient in our parameter layout [W1, b1, W2, b2]. */
    private static double[] torchParameterGradient() {
        double[] w1 = CASE.rows("gradients_tight_backprop", "dL_dW1");
        double[] b1 = CASE.rows("gradients_tight_backprop", "dL_db1");
        double[] w2 = CASE.rows("gradients_tight_backprop", "dL_dW2");
        double[] b2 = CASE.rows("gradients_tight_backprop", "dL_db2");
        double[] all = new double[w1.length + b1.length + w2.length + b2.length];
        System.arraycopy(w1, 0, all, 0, w1.length);
        System.arraycopy(b1, 0, all, w1.length, b1.length);
        System.arraycopy(w2, 0, all, w1.length + b1.length, w2.length);
        System.arraycopy(b2, 0, all, w1.length + b1.length + w2.length, b2.length);
        return all;
    }

    /** max |expected − actual| ≤ relative · max(1, max |expected|). */
    static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= relative * scale, what + ": max difference " + worst + " > " + relative + " × " + scale);
    }
}
