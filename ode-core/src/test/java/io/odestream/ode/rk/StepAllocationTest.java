package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.testing.MlpCase;
import io.odestream.ode.testing.TanhMlpField;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing per step: a solve allocates its result (outputs, statistics,
 * final state) and nothing that grows with the number of steps. Measured with the thread's
 * allocation counter, comparing solves of 10 and 1000 steps.
 */
class StepAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final MlpCase CASE = MlpCase.load();

    @Test
    void fixedStepSolvesAllocateTheSameWhateverTheirLength() {
        assertStepsAllocateNothing(new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.5)),
                new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.005)));
    }

    @Test
    void adaptiveSolvesAllocateTheSameWhateverTheirLength() {
        assertStepsAllocateNothing(
                new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-3, 1e-5).build()),
                new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-12, 1e-14).maxSteps(100_000).build()));
    }

    @Test
    void perRowSolvesAllocateTheSameWhateverTheirLength() {
        TanhMlpField field = CASE.field();
        RungeKuttaSolver shortSolver = new RungeKuttaSolver(Tsitouras54.TABLEAU, StepControl.adaptive(1e-3, 1e-5).build());
        RungeKuttaSolver longSolver = new RungeKuttaSolver(Tsitouras54.TABLEAU, StepControl.adaptive(1e-11, 1e-13).build());
        double[] t0 = new double[CASE.b];
        double[] t1 = {1, 2, 3, 5};
        Runnable shortSolve = () -> shortSolver.solvePerRow(field, CASE.z0, CASE.b, t0, t1);
        Runnable longSolve = () -> longSolver.solvePerRow(field, CASE.z0, CASE.b, t0, t1);
        compare(shortSolve, longSolve, shortSolver.solvePerRow(field, CASE.z0, CASE.b, t0, t1),
                longSolver.solvePerRow(field, CASE.z0, CASE.b, t0, t1));
    }

    private static void assertStepsAllocateNothing(RungeKuttaSolver shortSolver, RungeKuttaSolver longSolver) {
        TanhMlpField field = CASE.field();
        double[] times = {CASE.t1};
        compare(() -> shortSolver.solve(field, CASE.z0, CASE.b, CASE.t0, times),
                () -> longSolver.solve(field, CASE.z0, CASE.b, CASE.t0, times),
                shortSolver.solve(field, CASE.z0, CASE.b, CASE.t0, times),
                longSolver.solve(field, CASE.z0, CASE.b, CASE.t0, times));
    }

    private static void compare(Runnable shortSolve, Runnable longSolve, Solution shortResult, Solution longResult) {
        long shortSteps = shortResult.stats().acceptedSteps() + shortResult.stats().rejectedSteps();
        long longSteps = longResult.stats().acceptedSteps() + longResult.stats().rejectedSteps();
        assertTrue(longSteps >= 10 * shortSteps, "the long solve must take many more steps: " + shortSteps + " vs "
                + longSteps);
        for (int i = 0; i < 200; i++) { // warm up: buffers sized, code compiled
            shortSolve.run();
            longSolve.run();
        }
        long shortBytes = allocatedBy(shortSolve);
        long longBytes = allocatedBy(longSolve);
        // Identical result objects; the 256-byte slack absorbs the JVM's own bookkeeping.
        assertTrue(longBytes <= shortBytes + 256, "a solve of " + longSteps + " steps allocated " + longBytes
                + " bytes, one of " + shortSteps + " steps " + shortBytes + ": something allocates per step");
    }

    private static long allocatedBy(Runnable solve) {
        long thread = Thread.currentThread().getId();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = THREADS.getThreadAllocatedBytes(thread);
            solve.run();
            best = Math.min(best, THREADS.getThreadAllocatedBytes(thread) - before);
        }
        return best;
    }
}
