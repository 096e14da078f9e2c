package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverState;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.testing.NonlinearTestProblem;
import org.junit.jupiter.api.Test;

/** Outputs at any time, backwards time, and solves continued from a saved state. */
class ResumeAndDenseOutputTest {
    private static final NonlinearTestProblem PROBLEM = new NonlinearTestProblem();

    @Test
    void outputsAtManyTimesComeFromTheInterpolantNotFromExtraSteps() {
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-9, 1e-11).build());
        double[] times = new double[200];
        for (int i = 0; i < times.length; i++) {
            times[i] = 3.0 * (i + 1) / times.length;
        }
        Solution many = solver.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, times);
        Solution one = solver.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {3.0});
        assertEquals(one.stats().evaluations(), many.stats().evaluations(), "200 outputs cost no extra evaluations");
        for (int q = 0; q < times.length; q++) {
            assertTrue(NonlinearTestProblem.maxError(many.rowState(0, q), 0, times[q]) < 1e-8, "output " + q);
        }
        assertArrayEquals(one.rowFinal(0), many.rowFinal(0), 0.0);
    }

    @Test
    void solutionAtAnyTimeNeedsTheRecordedTrajectory() {
        RungeKuttaSolver solver = new RungeKuttaSolver(Tsitouras54.TABLEAU, StepControl.adaptive(1e-9, 1e-11).build());
        Solution recorded = solver.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {3},
                SolveOptions.DEFAULT.withDenseRecording());
        for (double t = 0; t <= 3; t += 0.0371) {
            assertTrue(NonlinearTestProblem.maxError(recorded.at(0, t), 0, t) < 1e-8, "at t=" + t);
        }
        assertArrayEquals(recorded.rowFinal(0), recorded.at(3.0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> recorded.at(0, 3.5));
        Solution plain = solver.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {3});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> plain.at(1.0));
        assertTrue(e.getMessage().contains("withDenseRecording"));
    }

    @Test
    void integratesBackwardsInTime() {
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build());
        double[] atTwo = NonlinearTestProblem.exact(2.0);
        Solution s = solver.solve(PROBLEM, atTwo, 1, 2.0, new double[] {1.5, 0.5, 0.0});
        assertTrue(NonlinearTestProblem.maxError(s.rowState(0, 0), 0, 1.5) < 1e-9);
        assertTrue(NonlinearTestProblem.maxError(s.rowState(0, 2), 0, 0.0) < 1e-9);
        assertEquals(0.0, s.endTime(0));
    }

    @Test
    void resumingContinuesWhereTheLastSolveStopped() {
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
        Solution first = solver.solve(PROBLEM, NonlinearTestProblem.Z0.clone(), 1, 0, new double[] {1.0});
        SolverState saved = first.finalState();
        assertEquals(1.0, saved.time()[0]);
        assertTrue(Math.abs(saved.nextStep()[0]) > 0, "the controller's proposal is kept");
        Solution second = solver.resume(PROBLEM, saved, new double[] {3.0}, SolveOptions.DEFAULT);
        assertTrue(NonlinearTestProblem.maxError(second.rowFinal(0), 0, 3.0) < 1e-7);
        // Resuming skips the initial-step heuristic (one evaluation) and the first-step guess.
        Solution fresh = solver.solve(PROBLEM, saved.state(), 1, 1.0, new double[] {3.0});
        assertTrue(second.stats().evaluations() <= fresh.stats().evaluations());
    }

    @Test
    void aStateEditedBetweenSolvesKeepsItsControllerMemory() {
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
        Solution first = solver.solvePerRow(PROBLEM, concat(NonlinearTestProblem.Z0, NonlinearTestProblem.Z0), 2,
                new double[] {0, 0}, new double[] {0.5, 1.0});
        // An observation "jumps" the state of both rows; their clocks and step proposals stay.
        double[] jumped = first.finalState().state();
        jumped[3] = 0.2;
        SolverState edited = first.finalState().withState(jumped);
        assertArrayEquals(first.finalState().nextStep(), edited.nextStep());
        Solution second = solver.resumePerRow(PROBLEM, edited, new double[][] {{2.0}, {2.0}}, SolveOptions.DEFAULT);
        assertEquals(2.0, second.endTime(0));
        assertEquals(2.0, second.endTime(1));
        // The logistic component restarted from 0.2 at t = 0.5 (row 0): 1/(1 + 4 e^(−1.5)).
        assertEquals(1 / (1 + 4 * Math.exp(-1.5)), second.value(0, 0, 3), 1e-7);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = new double[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
