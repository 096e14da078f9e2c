package io.odestream.djl;

import static io.odestream.djl.Agreement.assertClose;
import static io.odestream.djl.Agreement.gaussian;
import static io.odestream.djl.Agreement.maxScaledDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolverException;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.ErrorNorm;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.control.Tolerances;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKutta38;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.Tableaus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batched solves on DJL against ode-core's {@link RungeKuttaSolver} (shared step control) on the
 * bundled reference case's MLP field (test resource anchors/mlp_case.json; D=16, H=64, t ∈ [0, 5]),
 * and against torchdiffeq's results
 * stored in that case.
 *
 * <p><b>Tolerance for a solve, 1e-12 in {@code |djl − java| / (1 + |java|)}.</b> The two backends run
 * the same steps with the same coefficients; the only differences are the per-evaluation round-off
 * of the field (≤ 5.3e-16 scaled, see {@link DjlMlpFieldTest}) and of the error norm's sum. A solve
 * carries those forward through ≤ 230 evaluations, amplified by the flow's sensitivity
 * ‖∂z(T)/∂z(t)‖ (the states grow from |z| ≈ 1 to ≈ 3.8 over [0, 5], a factor of order 10), and
 * dense output adds the interpolant's weights (tsit5's are large and cancel). A crude bound is
 * 230 · 5e-16 · 10 ≈ 1e-12. Measured on CPU: at most 2.0e-14 (tsit5 interpolated at t = 0.5),
 * ≤ 2.2e-15 at t = 5 for every method, so the bound holds with a margin of 50.
 * Step counts are compared exactly: a different count needs an error ratio within ~1e-13 of a
 * decision threshold, which these cases do not come near.
 */
class DjlRungeKuttaTest {
    private static final double SOLVE = 1e-12;
    private static final MlpCaseFile CASE = MlpCaseFile.load();
    private static final DjlDevice DEVICE = DjlDevice.fromSystemProperty();
    private static final NeuralVectorField JAVA = CASE.javaField();
    private static final DjlMlpField DJL = DjlMlpField.of(JAVA, DEVICE);

    @AfterAll
    static void close() {
        DJL.close();
    }

    static Object[][] methodsAndControls() {
        return new Object[][] {
            {"euler", StepControl.fixed(0.05)},
            {"midpoint", StepControl.fixed(0.1)},
            {"heun", StepControl.fixed(0.1)},
            {"rk4", StepControl.fixed(0.05)},
            {"rk4-3/8", StepControl.fixed(0.05)},
            {"bosh3", StepControl.adaptive(1e-6, 1e-8).build()},
            {"dopri5", StepControl.adaptive(1e-6, 1e-8).build()},
            {"dopri5", StepControl.adaptive(1e-10, 1e-12).build()},
            {"dopri5", AdaptiveStep.torchdiffeqCompatible(1e-4, 1e-6)},
            {"dopri5", StepControl.adaptive(1e-7, 1e-9).beta(0.04).build()},
            {"tsit5", StepControl.adaptive(1e-8, 1e-10).build()},
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("methodsAndControls")
    void sameSolutionAndSameStepCountsAsTheJavaBackend(String method, StepControl control) {
        ButcherTableau tableau = Tableaus.byName(method);
        double[] times = {0.5, 1.7, 1.7, 3.14159, 5.0}; // inside steps too: dense output
        Solution java = new RungeKuttaSolver(tableau, control).solve(JAVA, CASE.z0.clone(), CASE.b, 0.0, times);
        Solution djl = new DjlRungeKutta(tableau, control).solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, 0.0, times);
        assertSameStats(java, djl);
        for (int q = 0; q < times.length; q++) {
            assertClose(djl.state(q), java.state(q), SOLVE, method + " at t=" + times[q]);
        }
        // The proposal after the last step comes from that step's error estimate Σ e_i k_i, a sum
        // that cancels down to ~rtol·|z|; round-off of ε·|k| in it is a relative error of up to
        // ε/rtol ≈ 1e-6 in the estimate, more on the short stretched last step: only loosely equal.
        assertEquals(java.finalState().nextStep()[0], djl.finalState().nextStep()[0],
                1e-2 * Math.abs(java.finalState().nextStep()[0]), "next step proposal");
    }

    @Test
    void dopri5MatchesTheTorchdiffeqReferenceAtTightTolerance() {
        Solution djl = new DjlRungeKutta(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build())
                .solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, CASE.t0, new double[] {CASE.t1});
        double error = maxAbsDifference(djl.state(0), CASE.rows("dopri5", "tight", "zT"));
        // as in ode-core: both solves are within ~1e-10 of the exact solution (reference vs DOP853: 1.1e-10)
        assertTrue(error < 1e-9, "max |z(T) − torchdiffeq tight| = " + error);
    }

    @Test
    void dopri5WithTorchdiffeqConventionsTakesTorchdiffeqsSteps() {
        for (String key : new String[] {"bench_f64", "tight", "bench_f32tol_in_f64"}) {
            double rtol = CASE.json.get("dopri5").get(key).get("rtol").asDouble();
            double atol = CASE.json.get("dopri5").get(key).get("atol").asDouble();
            Solution djl = new DjlRungeKutta(DormandPrince54.TABLEAU, AdaptiveStep.torchdiffeqCompatible(rtol, atol))
                    .solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, CASE.t0, new double[] {CASE.t1});
            assertEquals(CASE.intAt("dopri5", key, "nfe"), djl.stats().evaluations(), key + " NFE");
            assertEquals(CASE.intAt("dopri5", key, "accepted"), djl.stats().acceptedSteps(), key + " accepted");
            assertEquals(CASE.intAt("dopri5", key, "rejected"), djl.stats().rejectedSteps(), key + " rejected");
            // torchdiffeq steps past t1 and interpolates back, we stretch the last step onto t1: the
            // results differ by the method's error at this tolerance, not by round-off
            double diff = maxScaledDifference(djl.state(0), CASE.rows("dopri5", key, "zT"));
            assertTrue(diff < 10 * rtol, key + ": max scaled |z(T) − torchdiffeq| = " + diff);
        }
    }

    @Test
    void rk4ThreeEighthsRuleReproducesTorchdiffeqStepForStep() {
        double h = CASE.json.get("rk4").get("step_size").asDouble();
        Solution djl = new DjlRungeKutta(RungeKutta38.TABLEAU, StepControl.fixed(h))
                .solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, CASE.t0, new double[] {CASE.t1});
        assertEquals(CASE.intAt("rk4", "nfe"), djl.stats().evaluations());
        assertEquals(CASE.intAt("rk4", "steps"), djl.stats().acceptedSteps());
        assertClose(djl.state(0), CASE.rows("rk4", "zT"), SOLVE, "rk4 (3/8 rule) vs torchdiffeq");
    }

    @Test
    void largeBatchAndBackwardInTimeAgree() {
        int rows = 512;
        double[] z0 = gaussian(rows * 16, 77, 1.0);
        double[] times = {-0.25, -1.0};
        StepControl control = StepControl.adaptive(1e-7, 1e-9).build();
        Solution java = new RungeKuttaSolver(DormandPrince54.TABLEAU, control).solve(JAVA, z0.clone(), rows, 0.0, times);
        Solution djl = new DjlRungeKutta(DormandPrince54.TABLEAU, control).solve(DJL, DEVICE, z0.clone(), rows, 0.0,
                times);
        assertSameStats(java, djl);
        assertClose(djl.state(1), java.state(1), SOLVE, "B=512 backwards to t=-1");
    }

    @Test
    void perComponentToleranceAndHostNormsAgree() {
        double[] atol = new double[16];
        for (int j = 0; j < 16; j++) {
            atol[j] = 1e-9 * (1 + j);
        }
        for (ErrorNorm norm : new ErrorNorm[] {ErrorNorm.rms(), ErrorNorm.max(), ErrorNorm.rmsOverLeading(8)}) {
            StepControl control = AdaptiveStep.builder(Tolerances.perComponent(1e-7, atol)).norm(norm).build();
            Solution java = new RungeKuttaSolver(DormandPrince54.TABLEAU, control).solve(JAVA, CASE.z0.clone(),
                    CASE.b, 0.0, new double[] {2.0});
            Solution djl = new DjlRungeKutta(DormandPrince54.TABLEAU, control).solve(DJL, DEVICE, CASE.z0.clone(),
                    CASE.b, 0.0, new double[] {2.0});
            assertSameStats(java, djl);
            assertClose(djl.state(0), java.state(0), SOLVE, "per-component atol, norm " + norm);
        }
    }

    @Test
    void outputAtTheStartTimeAndAnEmptySpanCostNothing() {
        Solution djl = new DjlRungeKutta(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build())
                .solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, 1.0, new double[] {1.0});
        assertEquals(0, djl.stats().evaluations());
        assertClose(djl.state(0), CASE.z0, 0.0, "z(t0) = z0");
    }

    @Test
    void failsLikeTheJavaBackendWhenStepsRunOut() {
        StepControl control = StepControl.adaptive(1e-10, 1e-12).maxSteps(5).build();
        SolverException java = assertThrows(SolverException.class, () -> new RungeKuttaSolver(
                DormandPrince54.TABLEAU, control).solve(JAVA, CASE.z0.clone(), CASE.b, 0.0, new double[] {5.0}));
        SolverException djl = assertThrows(SolverException.class, () -> new DjlRungeKutta(
                DormandPrince54.TABLEAU, control).solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, 0.0, new double[] {5.0}));
        assertEquals(java.reason(), djl.reason());
        // five steps at rtol 1e-10: each step size depends on an error estimate that cancels down to
        // ~1e-10, so round-off moves it by ~ε/rtol ≈ 1e-6 relative; the time reached agrees to that
        assertEquals(java.time(), djl.time(), 1e-4 * Math.abs(java.time()), "time reached when giving up");
    }

    @Test
    void rejectsBadInputNamingIt() {
        DjlRungeKutta solver = new DjlRungeKutta(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        double[] z0 = CASE.z0.clone();
        z0[17] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> solver.solve(DJL, DEVICE, z0, CASE.b, 0.0, new double[] {1.0}));
        assertTrue(e.getMessage().contains("row 1, component 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> solver.solve(DJL, DEVICE, CASE.z0.clone(), CASE.b, 0.0, new double[] {2.0, 1.0}));
        assertTrue(e.getMessage().contains("sorted"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DjlRungeKutta(RungeKutta38.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build()));
        assertTrue(e.getMessage().contains("no error estimate"), e.getMessage());
    }

    @Test
    void aTensorSolveLeavesOnlyItsOutputsInTheCallersScope() {
        DjlRungeKutta solver = new DjlRungeKutta(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        try (NDManager scope = DEVICE.newManager()) {
            var z0 = DjlMlpField.upload(scope, CASE.z0, CASE.b, 16);
            int before = scope.getManagedArrays().size();
            TensorSolution s = solver.solve(DJL, z0, 0.0, new double[] {1.0, 2.0, 5.0});
            assertEquals(before + 3, scope.getManagedArrays().size(), "z0 plus the three outputs");
            assertEquals(4, DJL.residentArrays(), "the field still holds only its weights");
            assertClose(z0.toDoubleArray(), CASE.z0, 0.0, "z0 untouched");
            assertEquals(3, s.outputs().length);
        }
    }

    private static void assertSameStats(Solution java, Solution djl) {
        assertEquals(java.stats().evaluations(), djl.stats().evaluations(), "NFE");
        assertEquals(java.stats().acceptedSteps(), djl.stats().acceptedSteps(), "accepted steps");
        assertEquals(java.stats().rejectedSteps(), djl.stats().rejectedSteps(), "rejected steps");
    }

    private static double maxAbsDifference(double[] a, double[] b) {
        assertEquals(b.length, a.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
