package io.odestream.ode.adjoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta4;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.testing.MlpCase;
import io.odestream.ode.testing.TanhMlpField;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The point of the adjoint method: memory O(1) in the number of solver steps, against O(steps)
 * for back-propagation through them. Measured as bytes allocated by a forward+backward pass
 * (the thread's allocation counter) for T = 1, 10, 100 with fixed RK4 steps h = 0.05, B = 64 —
 * the setup of torchdiffeq's figures in anchors/README.md.
 */
class GradientMemoryTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int ROWS = 64;

    @Test
    void adjointMemoryIsFlatAndBackpropMemoryGrowsWithTheSteps() {
        TanhMlpField f = MlpCase.load().field();
        double[] z0 = new double[ROWS * f.dimension()];
        Random random = new Random(1);
        for (int i = 0; i < z0.length; i++) {
            z0[i] = random.nextGaussian();
        }
        long[] adjoint = new long[3];
        long[] backprop = new long[3];
        double[] spans = {1, 10, 100};
        for (int i = 0; i < spans.length; i++) {
            double span = spans[i];
            adjoint[i] = allocatedBy(() -> adjointPass(f, z0, span));
            backprop[i] = allocatedBy(() -> backpropPass(f, z0, span));
        }
        String table = String.format("allocated bytes T=1/10/100: adjoint %d / %d / %d, backprop %d / %d / %d",
                adjoint[0], adjoint[1], adjoint[2], backprop[0], backprop[1], backprop[2]);
        // Flat: 100× the steps, at most 1.5× the bytes (result objects and buffers are per call).
        assertTrue(adjoint[2] < 1.5 * adjoint[0], table);
        // Linear: the tape holds every step's stages; 10× the steps give ≥ 5× the bytes each decade.
        assertTrue(backprop[1] > 5 * backprop[0], table);
        assertTrue(backprop[2] > 5 * backprop[1], table);
        assertTrue(backprop[2] > 20 * adjoint[2], table);
    }

    private static void adjointPass(TanhMlpField f, double[] z0, double span) {
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.05));
        Solution forward = solver.solve(f, z0, ROWS, 0, new double[] {span});
        new AdjointMethod(RungeKutta4.TABLEAU, StepControl.fixed(0.05), false)
                .gradients(f, forward, 0, cotangent(forward));
    }

    private static void backpropPass(TanhMlpField f, double[] z0, double span) {
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.05));
        Solution forward = solver.solve(f, z0, ROWS, 0, new double[] {span}, SolveOptions.DEFAULT.withDenseRecording());
        SolverBackprop.gradients(f, forward, cotangent(forward));
    }

    private static double[][] cotangent(Solution forward) {
        double[][] cot = new double[forward.rows()][];
        for (int r = 0; r < forward.rows(); r++) {
            cot[r] = forward.rowFinal(r).clone();
            for (int j = 0; j < cot[r].length; j++) {
                cot[r][j] *= 2;
            }
        }
        return cot;
    }

    private static long allocatedBy(Runnable pass) {
        pass.run(); // warm-up
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        pass.run();
        return THREADS.getThreadAllocatedBytes(thread) - before;
    }
}
