package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.nn.VectorKernels;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Random;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The adjoint's two field evaluations at B = 64 on the shared case's field (D = 16, H = 64, tanh):
 * {@code evaluate} (the forward solve's) and {@code evaluateAndVjp} (every stage of the backward
 * solve: f(z), aᵀ∂f/∂z and aᵀ∂f/∂θ from one forward pass), with ode-core's Vector API kernel and
 * with its plain loops ({@link VectorKernels#PROPERTY}{@code =false}) in the same run.
 * {@code main} prints ns per row, GFLOP/s (4·D·H flops a row forward, 12·D·H augmented; tanh not
 * counted) and the Vector API kernel's speed-up over the loops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FieldKernelBenchmark {
    static final int ROWS = 64;

    @Param({"vectorApi", "loops"})
    public String kernel;

    private NeuralVectorField field;
    private double[] t;
    private double[] z;
    private double[] a;
    private double[] dz;
    private double[] az;
    private double[] aTheta;

    @Setup
    public void setUp() {
        field = Kernels.load(kernel);
        t = new double[ROWS];
        z = MlpCaseField.initialStates(ROWS, 1);
        Random random = new Random(2);
        a = new double[z.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = random.nextGaussian();
        }
        dz = new double[z.length];
        az = new double[z.length];
        aTheta = new double[field.parameterCount()];
    }

    @Benchmark
    public double[] forward() {
        field.evaluate(t, z, dz, ROWS);
        return dz;
    }

    /** As {@code SharedAdjointField} calls it: the parameter cotangent zeroed, then one fused call. */
    @Benchmark
    public double[] augmented() {
        Arrays.fill(aTheta, 0.0);
        field.evaluateAndVjp(t, z, a, dz, az, aTheta, ROWS);
        return aTheta;
    }

    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(FieldKernelBenchmark.class.getName() + "\\.").build()).run();
        double forwardFlops = 4.0 * MlpCaseField.D * MlpCaseField.H;
        double augmentedFlops = 3 * forwardFlops;
        System.out.printf(Locale.ROOT, "%nB = %d, D = %d, H = %d%n", ROWS, MlpCaseField.D, MlpCaseField.H);
        System.out.println("| kernel | forward ns/row | GFLOP/s | augmented ns/row | GFLOP/s |");
        System.out.println("|---|---|---|---|---|");
        for (String k : new String[] {"vectorApi", "loops"}) {
            double fwd = JmhScores.score(results, "forward", "kernel", k);
            double aug = JmhScores.score(results, "augmented", "kernel", k);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.0f | %.1f |%n", k, fwd / ROWS,
                    forwardFlops * ROWS / fwd, aug / ROWS, augmentedFlops * ROWS / aug);
        }
        System.out.printf(Locale.ROOT, "Vector API vs loops, same run: forward %.2f×, augmented %.2f×%n",
                JmhScores.score(results, "forward", "kernel", "loops") / JmhScores.score(results, "forward", "kernel", "vectorApi"),
                JmhScores.score(results, "augmented", "kernel", "loops") / JmhScores.score(results, "augmented", "kernel", "vectorApi"));
    }
}
