package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A micro-batch of 1024 keys with different Δt (spans ~ Exp(mean 1), the MLP field, dopri5 at
 * rtol 1e-6): per-row step control in one batched solve, against the same rows solved one by one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class PerRowBenchmark {
    static final int ROWS = 1024;

    private NeuralVectorField field;
    private RungeKuttaSolver solver;
    private double[] z0;
    private double[] t0;
    private double[] t1;
    private double[] row;
    private final double[] rowStart = new double[1];
    private final double[] rowEnd = new double[1];

    @Setup
    public void setUp() {
        field = MlpCaseField.load();
        solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        z0 = MlpCaseField.initialStates(ROWS, 2);
        Random random = new Random(3);
        t0 = new double[ROWS];
        t1 = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            t1[r] = -Math.log(1 - random.nextDouble());
        }
        row = new double[MlpCaseField.D];
    }

    @Benchmark
    public Solution perRowBatch() {
        return solver.solvePerRow(field, z0, ROWS, t0, t1);
    }

    @Benchmark
    public double oneByOne() {
        double sum = 0;
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(z0, r * MlpCaseField.D, row, 0, MlpCaseField.D);
            rowStart[0] = t0[r];
            rowEnd[0] = t1[r];
            sum += solver.solvePerRow(field, row, 1, rowStart, rowEnd).value(0, 0, 0);
        }
        return sum;
    }
}
