package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.CheckpointedBackprop;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.adjoint.SolverBackprop;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta38;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward + backward of L = Σ z(T)² for the MLP field, B = 64, torchdiffeq's "rk4" (the 3/8 rule)
 * with h = 0.05 — the setup of torchdiffeq's figures in {@code ode-core/src/test/resources/anchors/README.md} — by the
 * adjoint method and by back-propagation through the steps, for T = 1, 10, 100, on ode-core's
 * Vector API kernel and on its loops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules", "jdk.incubator.vector"})
public class GradientBenchmark {
    static final int ROWS = 64;
    static final double STEP = 0.05;

    @Param({"1", "10", "100"})
    public int span;

    /** ode-core's MLP kernel ({@link Kernels}): the loops are the same-run baseline. */
    @Param({"vectorApi", "loops"})
    public String kernel = "vectorApi";

    private NeuralVectorField field;
    private RungeKuttaSolver solver;
    private AdjointMethod adjoint;
    private CheckpointedBackprop checkpointed;
    private double[] z0;
    private double[] times;

    @Setup
    public void setUp() {
        field = Kernels.load(kernel);
        solver = new RungeKuttaSolver(RungeKutta38.TABLEAU, StepControl.fixed(STEP));
        adjoint = new AdjointMethod(RungeKutta38.TABLEAU, StepControl.fixed(STEP), false);
        z0 = MlpCaseField.initialStates(ROWS, 1);
        times = new double[] {span};
        checkpointed = new CheckpointedBackprop(solver, segments(span));
    }

    @Benchmark
    public Gradients adjoint() {
        Solution forward = solver.solve(field, z0, ROWS, 0.0, times);
        return adjoint.gradients(field, forward, 0.0, cotangent(forward));
    }

    @Benchmark
    public Gradients backprop() {
        Solution forward = solver.solve(field, z0, ROWS, 0.0, times, SolveOptions.DEFAULT.withDenseRecording());
        return SolverBackprop.gradients(field, forward, cotangent(forward));
    }

    /**
     * Back-propagation with checkpoints: √N segments of the N = 20·T steps, one segment's tape at a
     * time, one extra forward solve.
     */
    @Benchmark
    public Gradients checkpointed() {
        CheckpointedBackprop.Forward forward = checkpointed.forward(field, z0, ROWS, 0.0, times);
        return checkpointed.gradients(field, forward, cotangent(forward.outputs())).gradients();
    }

    /** Segments for checkpointed back-propagation at this span: √(steps), rounded. */
    static int segments(int span) {
        return (int) Math.round(Math.sqrt(span / STEP));
    }

    /** The largest segment's tape and the checkpoints, in bytes, for checkpointed back-propagation at this span. */
    static long[] checkpointedBytes(int span) {
        GradientBenchmark b = new GradientBenchmark();
        b.span = span;
        b.kernel = "loops"; // as tapeBytes
        b.setUp();
        CheckpointedBackprop.Forward forward = b.checkpointed.forward(b.field, b.z0, ROWS, 0.0, b.times);
        CheckpointedBackprop.Result result = b.checkpointed.gradients(b.field, forward, cotangent(forward.outputs()));
        return new long[] {result.largestTapeBytes(), result.checkpointBytes()};
    }

    /** Bytes the back-propagation tape holds for this span (the adjoint keeps none). */
    static long tapeBytes(int span) {
        GradientBenchmark b = new GradientBenchmark();
        b.span = span;
        b.kernel = "loops"; // the tape's size does not depend on the kernel, and the loops run on any JVM
        b.setUp();
        Solution forward = b.solver.solve(b.field, b.z0, ROWS, 0.0, b.times, SolveOptions.DEFAULT.withDenseRecording());
        return SolverBackprop.tapeBytes(forward);
    }

    private static double[][] cotangent(Solution forward) {
        double[][] finals = new double[forward.rows()][];
        for (int r = 0; r < forward.rows(); r++) {
            finals[r] = forward.rowFinal(r);
        }
        return cotangent(finals);
    }

    /** dL/dz(T) = 2 z(T) for every row's final state. */
    private static double[][] cotangent(double[][] finals) {
        double[][] cot = new double[finals.length][];
        for (int r = 0; r < finals.length; r++) {
            cot[r] = finals[r].clone();
            for (int j = 0; j < cot[r].length; j++) {
                cot[r][j] *= 2;
            }
        }
        return cot;
    }
}
