package io.odestream.ode.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKutta4;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checkpointed back-propagation is back-propagation through the solver with one segment's tape in
 * memory at a time: the same gradient where the segments cut no step, the adjoint's within the
 * solver's tolerance otherwise, and a tape a segment's size.
 */
class CheckpointedBackpropTest {
    private static final int ROWS = 5;
    private static final int D = 4;

    @Test
    void givesBackpropsGradientWhenTheSegmentsCutNoStep() {
        NeuralVectorField f = field(1);
        double[] z0 = gaussian(new Random(2), ROWS * D);
        double[] times = {0.3, 0.5, 1.0}; // an output inside a segment and one on a segment's end
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.05));
        Solution full = solver.solve(f, z0, ROWS, 0.0, times, SolveOptions.DEFAULT.withDenseRecording());
        double[][] cot = cotangents(new Random(3), times.length);
        Gradients expected = SolverBackprop.gradients(f, full, cot);

        CheckpointedBackprop checkpointed = new CheckpointedBackprop(solver, 4); // ends at 0.25, 0.5, 0.75, 1
        CheckpointedBackprop.Forward forward = checkpointed.forward(f, z0, ROWS, 0.0, times);
        for (int r = 0; r < ROWS; r++) {
            for (int q = 0; q < times.length; q++) {
                for (int j = 0; j < D; j++) {
                    assertEquals(full.value(r, q, j), forward.outputs()[r][q * D + j], 1e-14, "output");
                }
            }
        }
        Gradients actual = checkpointed.gradients(f, forward, cot).gradients();
        GradientThroughSolveTest.assertClose(expected.initialState(), actual.initialState(), 1e-12, "dL/dz0");
        GradientThroughSolveTest.assertClose(expected.parameters(), actual.parameters(), 1e-12, "dL/dθ");
        assertEquals(expected.backward().evaluations(), actual.backward().evaluations(), "VJP calls");
    }

    @Test
    void agreesWithTheAdjointWithinTheSolverTolerance() {
        NeuralVectorField f = field(4);
        double[] z0 = gaussian(new Random(5), ROWS * D);
        double[] times = {0.7, 2.0};
        StepControl tight = StepControl.adaptive(1e-10, 1e-12).build();
        RungeKuttaSolver solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, tight);
        double[][] cot = cotangents(new Random(6), times.length);
        Gradients adjoint = new AdjointMethod(DormandPrince54.TABLEAU, tight, false)
                .gradients(f, solver.solve(f, z0, ROWS, 0.0, times), 0.0, cot);
        CheckpointedBackprop checkpointed = new CheckpointedBackprop(solver, 3);
        Gradients actual = checkpointed.gradients(f, checkpointed.forward(f, z0, ROWS, 0.0, times), cot).gradients();
        GradientThroughSolveTest.assertClose(adjoint.initialState(), actual.initialState(), 1e-7, "dL/dz0");
        GradientThroughSolveTest.assertClose(adjoint.parameters(), actual.parameters(), 1e-7, "dL/dθ");
    }

    @Test
    void holdsOneSegmentsTapeAtATime() {
        NeuralVectorField f = field(7);
        double[] z0 = gaussian(new Random(8), ROWS * D);
        double[] times = {10.0};
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.05));
        long fullTape = SolverBackprop.tapeBytes(
                solver.solve(f, z0, ROWS, 0.0, times, SolveOptions.DEFAULT.withDenseRecording()));
        CheckpointedBackprop checkpointed = new CheckpointedBackprop(solver, 10);
        CheckpointedBackprop.Result result = checkpointed.gradients(f, checkpointed.forward(f, z0, ROWS, 0.0, times),
                cotangents(new Random(9), 1));
        String report = "full tape " + fullTape + " B, largest segment's " + result.largestTapeBytes()
                + " B, checkpoints " + result.checkpointBytes() + " B";
        System.out.println("checkpointed back-propagation, 200 steps in 10 segments: " + report);
        assertTrue(result.largestTapeBytes() <= fullTape / 10 * 1.2, report);
        assertTrue(result.largestTapeBytes() >= fullTape / 10 * 0.8, report);
        assertTrue(result.checkpointBytes() <= 10 * ROWS * D * 8 * 1.5, report);
    }

    @Test
    void noticesAFieldThatChangedBetweenThePasses() {
        NeuralVectorField f = field(10);
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.1));
        CheckpointedBackprop checkpointed = new CheckpointedBackprop(solver, 2);
        CheckpointedBackprop.Forward forward = checkpointed.forward(f, gaussian(new Random(11), ROWS * D), ROWS, 0.0,
                new double[] {0.5, 1.0});
        f.parameters()[0] += 0.1;
        f.parametersChanged();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> checkpointed.gradients(f, forward, cotangents(new Random(12), 2)));
        assertTrue(e.getMessage().contains("not deterministic"), e.getMessage());
    }

    @Test
    void badArgumentsAreRejectedWithTheReason() {
        RungeKuttaSolver solver = new RungeKuttaSolver(RungeKutta4.TABLEAU, StepControl.fixed(0.1));
        assertThrows(IllegalArgumentException.class, () -> new CheckpointedBackprop(solver, 0));
        CheckpointedBackprop checkpointed = new CheckpointedBackprop(solver, 2);
        NeuralVectorField f = field(13);
        double[] z0 = new double[ROWS * D];
        IllegalArgumentException atStart = assertThrows(IllegalArgumentException.class,
                () -> checkpointed.forward(f, z0, ROWS, 1.0, new double[] {1.0}));
        assertTrue(atStart.getMessage().contains("must come after t0"), atStart.getMessage());
        CheckpointedBackprop.Forward forward = checkpointed.forward(f, z0, ROWS, 0.0, new double[] {1.0});
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> checkpointed.gradients(f, forward, new double[ROWS][2 * D]));
        assertTrue(shape.getMessage().contains("outputs × D"), shape.getMessage());
    }

    private static NeuralVectorField field(long seed) {
        NeuralVectorField f = NeuralVectorField.create(D, new int[] {16}, Activation.TANH, Activation.IDENTITY, true,
                seed);
        Random random = new Random(seed + 100);
        for (int i = 0; i < f.parameterCount(); i++) {
            f.parameters()[i] += 0.1 * random.nextGaussian(); // non-zero biases
        }
        f.parametersChanged();
        return f;
    }

    private static double[][] cotangents(Random random, int outputs) {
        double[][] cot = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            cot[r] = gaussian(random, outputs * D);
        }
        return cot;
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
