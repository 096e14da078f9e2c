package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.adjoint.AdjointMethod;
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
 * with h = 0.05 — the setup of torchdiffeq's figures in {@code shared/anchors/README.md} — by the
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
    private double[] z0;
    private double[] times;

    @Setup
    public void setUp() {
        field = Kernels.load(kernel);
        solver = new RungeKuttaSolver(RungeKutta38.TABLEAU, StepControl.fixed(STEP));
        adjoint = new AdjointMethod(RungeKutta38.TABLEAU, StepControl.fixed(STEP), false);
        z0 = MlpCaseField.initialStates(ROWS, 1);
        times = new double[] {span};
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
        double[][] cot = new double[forward.rows()][];
        for (int r = 0; r < forward.rows(); r++) {
            cot[r] = forward.rowFinal(r);
            for (int j = 0; j < cot[r].length; j++) {
                cot[r][j] *= 2;
            }
        }
        return cot;
    }
}
