package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverException;
import io.odestream.ode.SolverException.Reason;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.testing.NonlinearTestProblem;
import org.junit.jupiter.api.Test;

/** Bad arguments are rejected by name; a solve that cannot go on says where, why and what to try. */
class SolverFailureTest {
    private static final NonlinearTestProblem PROBLEM = new NonlinearTestProblem();
    private static final RungeKuttaSolver DOPRI5 =
            new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());

    /** z' = z², z(0) = 1: z = 1/(1 − t) blows up at t = 1. */
    static final VectorField BLOW_UP = new VectorField() {
        @Override
        public int dimension() {
            return 1;
        }

        @Override
        public void evaluate(double[] t, double[] z, double[] dz, int rows) {
            for (int r = 0; r < rows; r++) {
                dz[r] = z[r] * z[r];
            }
        }
    };

    @Test
    void badArgumentsNameTheArgument() {
        assertMessage("z0 is not finite at row 0, component 2",
                () -> DOPRI5.solve(PROBLEM, new double[] {1, 0, Double.NaN, 0.1}, 1, 0, new double[] {1}));
        assertMessage("z0 must hold rows × D = 2 × 4 = 8 values, has 4",
                () -> DOPRI5.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 2, 0, new double[] {1}));
        assertMessage("outputTimes must be sorted in the direction of integration",
                () -> DOPRI5.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {2, 1, 3}));
        assertMessage("outputTimes[1] is not finite",
                () -> DOPRI5.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {1, Double.NaN}));
        assertMessage("rtol must be a finite number > 0", () -> StepControl.adaptive(0, 1e-6));
        assertMessage("fixed step size must be a finite number > 0", () -> StepControl.fixed(-0.1));
        assertMessage("atol has 3 components but the state has D = 4", () -> new RungeKuttaSolver(
                DormandPrince54.TABLEAU, io.odestream.ode.control.AdaptiveStep.builder(
                        io.odestream.ode.control.Tolerances.perComponent(1e-6, new double[] {1e-8, 1e-8, 1e-8})).build())
                .solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {1}));
        assertMessage("has no error estimate, so it cannot adapt its step size",
                () -> new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build()));
        assertMessage("t0 must have one start time per row",
                () -> DOPRI5.solvePerRow(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, new double[2], new double[] {1}));
    }

    @Test
    void aBlowUpEndsInStepSizeUnderflowThatSaysWhereAndWhatToTry() {
        SolverException e = assertThrows(SolverException.class,
                () -> DOPRI5.solve(BLOW_UP, new double[] {1}, 1, 0, new double[] {2}));
        assertTrue(e.reason() == Reason.STEP_SIZE_UNDERFLOW || e.reason() == Reason.NON_FINITE_STATE, e.getMessage());
        // The numerical solution can step a hair past t = 1 before it becomes unusable.
        assertEquals(1.0, e.time(), 1e-3, "stopped at the singularity");
        assertTrue(e.getMessage().contains("What to try"), e.getMessage());
        assertTrue(e.getMessage().startsWith("dopri5: "), e.getMessage());
    }

    @Test
    void tooManyStepsIsReportedWithTheLimit() {
        RungeKuttaSolver limited = new RungeKuttaSolver(DormandPrince54.TABLEAU,
                StepControl.adaptive(1e-12, 1e-14).maxSteps(20).build());
        SolverException e = assertThrows(SolverException.class,
                () -> limited.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {10}));
        assertEquals(Reason.MAX_STEPS_EXCEEDED, e.reason());
        assertTrue(e.getMessage().contains("maxSteps = 20"), e.getMessage());
        assertTrue(e.getMessage().contains("raise maxSteps"), e.getMessage());
    }

    @Test
    void aFixedStepSolveThatProducesNaNFailsAtOnce() {
        VectorField poisoned = new VectorField() {
            @Override
            public int dimension() {
                return 1;
            }

            @Override
            public void evaluate(double[] t, double[] z, double[] dz, int rows) {
                for (int r = 0; r < rows; r++) {
                    dz[r] = t[r] > 0.5 ? Double.NaN : 1;
                }
            }
        };
        SolverException e = assertThrows(SolverException.class, () -> new RungeKuttaSolver(RungeKutta4.TABLEAU,
                StepControl.fixed(0.1)).solve(poisoned, new double[] {0}, 1, 0, new double[] {1}));
        assertEquals(Reason.NON_FINITE_STATE, e.reason());
        assertTrue(e.time() >= 0.4 && e.time() <= 0.5, "last good time " + e.time());
    }

    @Test
    void inPerRowControlAFailingRowStopsAloneAndTheOthersFinish() {
        // Row 0 blows up at t = 1 (z0 = 1); row 1 (z0 = 0.1) only at t = 10.
        Solution s = DOPRI5.solvePerRow(BLOW_UP, new double[] {1, 0.1}, 2, new double[] {0, 0},
                new double[][] {{0.5, 2}, {0.5, 2}}, SolveOptions.DEFAULT);
        assertTrue(s.anyFailed());
        assertEquals(Reason.STEP_SIZE_UNDERFLOW, s.failure(0).reason());
        assertEquals(0, s.failure(0).row());
        assertEquals(2.0, s.value(0, 0, 0), 1e-5, "the output before the failure is kept: 1/(1 − 0.5)");
        assertTrue(Double.isNaN(s.value(0, 1, 0)), "no output past the failure");
        assertEquals(1.0, s.endTime(0), 1e-3, "the row keeps its last good state, at the singularity");
        assertEquals(s.endTime(0), s.finalState().time()[0]);
        assertNull(s.failure(1));
        assertEquals(0.1 / (1 - 0.2), s.value(1, 1, 0), 1e-6);
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
    }
}
