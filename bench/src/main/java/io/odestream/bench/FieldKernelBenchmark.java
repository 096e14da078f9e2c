package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.RungeKutta38;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Issue 4's field kernel at B = 64 (the shared case's D = 16, H = 64 tanh MLP and weights): one
 * forward evaluation and one fused augmented evaluation (f(z), aᵀ∂f/∂z, aᵀ∂f/∂θ accumulated) by
 * (a) ode-core's kernel as the adjoint calls it, (b) {@link PlainJavaFieldKernel}, (c)
 * {@link VectorApiFieldKernel}. The augmented benchmarks zero the parameter cotangent first, as
 * {@code SharedAdjointField} does.
 *
 * <p>The adjointT1 benchmarks run the unchanged solvers and {@code AdjointMethod} (exactly
 * {@code GradientBenchmark.adjoint} at T = 1) with each kernel behind the field
 * ({@link KernelBackedField}: (c) reuses the forward pass the adjoint's evaluate just ran, as a
 * fused call site would; (b) pays one extra forward pass per augmented evaluation).
 *
 * <p>{@code main} runs these and {@code GradientBenchmark.adjoint} at T = 1 in one session, then
 * prints ns per row-evaluation, GFLOP/s (4·D·H flops a row forward, 12·D·H augmented; tanh not
 * counted), ratios to (a), the adjoint T = 1 time each kernel implies (20 rk4 steps × 4 stages
 * × (forward + augmented) at B = 64) alone and plus the adjoint's cost without a field
 * (adjointT1ZeroField), the measured adjointT1 times, and each against torchdiffeq's 32.1 ms.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FieldKernelBenchmark {
    static final int ROWS = 64;
    /** torchdiffeq's odeint_adjoint, T = 1, B = 64, rk4 h = 0.05 (shared/anchors/README.md). */
    static final double TORCHDIFFEQ_ADJOINT_T1_MS = 32.1;
    /** Field evaluations of each kind in the adjoint at T = 1: 20 steps × 4 stages. */
    static final int EVALUATIONS_T1 = 20 * 4;

    private CurrentFieldKernel current;
    private PlainJavaFieldKernel plain;
    private VectorApiFieldKernel vector;
    private double[] z;
    private double[] a;
    private double[] dz;
    private double[] az;
    private double[] aTheta;
    private NeuralVectorField field;
    private KernelBackedField plainField;
    private KernelBackedField vectorField;
    private KernelBackedField zeroField;
    private RungeKuttaSolver solver;
    private AdjointMethod adjoint;

    @Setup
    public void setUp() {
        field = MlpCaseField.load();
        TanhMlpWeights weights = new TanhMlpWeights(field);
        current = new CurrentFieldKernel(field, ROWS);
        plain = new PlainJavaFieldKernel(weights, ROWS);
        vector = new VectorApiFieldKernel(weights, ROWS);
        z = MlpCaseField.initialStates(ROWS, 1);
        Random random = new Random(2);
        a = new double[z.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = random.nextGaussian();
        }
        dz = new double[z.length];
        az = new double[z.length];
        aTheta = new double[field.parameterCount()];
        plainField = new KernelBackedField(field, new PlainJavaFieldKernel(weights, ROWS));
        vectorField = new KernelBackedField(field, new VectorApiFieldKernel(weights, ROWS));
        zeroField = new KernelBackedField(field, new ZeroFieldKernel(ROWS, field.dimension()));
        solver = new RungeKuttaSolver(RungeKutta38.TABLEAU, StepControl.fixed(GradientBenchmark.STEP));
        adjoint = new AdjointMethod(RungeKutta38.TABLEAU, StepControl.fixed(GradientBenchmark.STEP), false);
    }

    @Benchmark
    public double[] forwardCurrent() {
        current.forward(z, dz);
        return dz;
    }

    @Benchmark
    public double[] forwardPlainJava() {
        plain.forward(z, dz);
        return dz;
    }

    @Benchmark
    public double[] forwardVectorApi() {
        vector.forward(z, dz);
        return dz;
    }

    @Benchmark
    public double[] augmentedCurrent() {
        Arrays.fill(aTheta, 0.0);
        current.augmented(z, a, dz, az, aTheta);
        return aTheta;
    }

    @Benchmark
    public double[] augmentedPlainJava() {
        Arrays.fill(aTheta, 0.0);
        plain.augmented(z, a, dz, az, aTheta);
        return aTheta;
    }

    @Benchmark
    public double[] augmentedVectorApi() {
        Arrays.fill(aTheta, 0.0);
        vector.augmented(z, a, dz, az, aTheta);
        return aTheta;
    }

    /** GradientBenchmark.adjoint at T = 1, in this fork: the anchor for the kernel-based estimates. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Gradients adjointT1Current() {
        return adjointT1(field);
    }

    /** The same adjoint with the plain-Java kernel behind the field (solvers and AdjointMethod unchanged). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Gradients adjointT1PlainJava() {
        return adjointT1(plainField);
    }

    /** The same adjoint with the Vector API kernel behind the field. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Gradients adjointT1VectorApi() {
        return adjointT1(vectorField);
    }

    /**
     * The control: the same adjoint with a field that costs nothing (f = 0, zero cotangents; the
     * fixed-step solves take the same 20 steps), i.e. what the solvers, copies and single-row terms
     * cost — the floor no field kernel can go below.
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Gradients adjointT1ZeroField() {
        return adjointT1(zeroField);
    }

    /** Forward solve to T = 1 and adjoint gradients of Σ z(T)², exactly as GradientBenchmark.adjoint. */
    private Gradients adjointT1(DifferentiableVectorField f) {
        Solution forward = solver.solve(f, z, ROWS, 0.0, new double[] {1.0});
        double[][] cot = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            cot[r] = forward.rowFinal(r);
            for (int j = 0; j < cot[r].length; j++) {
                cot[r][j] *= 2;
            }
        }
        return adjoint.gradients(f, forward, 0.0, cot);
    }

    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new ArrayList<>(new Runner(new OptionsBuilder()
                .include(FieldKernelBenchmark.class.getName() + "\\.").build()).run());
        results.addAll(new Runner(new OptionsBuilder().include(GradientBenchmark.class.getName() + "\\.adjoint$")
                .param("span", "1").build()).run());
        int d = MlpCaseField.D;
        int h = MlpCaseField.H;
        double forwardFlops = 4.0 * d * h;
        double augmentedFlops = 12.0 * d * h;
        String[] kernels = {"Current", "PlainJava", "VectorApi"};
        double fwdBase = score(results, "forwardCurrent");
        double augBase = score(results, "augmentedCurrent");
        double measuredMs = score(results, "adjointT1Current");
        double gradientBenchmarkMs = score(results, "adjoint");
        double kernelBaseMs = EVALUATIONS_T1 * (fwdBase + augBase) * 1e-6;
        double floorMs = score(results, "adjointT1ZeroField");
        System.out.printf("%nB = %d, D = %d, H = %d; %s%n", ROWS, d, h, VectorApiFieldKernel.SPECIES);
        System.out.printf("%-10s %10s %8s %6s %10s %8s %6s %9s %9s %8s %9s %8s%n", "kernel", "fwd ns/row",
                "GFLOP/s", "vs(a)", "aug ns/row", "GFLOP/s", "vs(a)", "est kern", "est+floor", "vs torch",
                "adj T=1", "vs torch");
        for (String k : kernels) {
            double fwd = score(results, "forward" + k);
            double aug = score(results, "augmented" + k);
            double kernelMs = EVALUATIONS_T1 * (fwd + aug) * 1e-6;
            double totalMs = kernelMs + floorMs;
            double realMs = score(results, "adjointT1" + k);
            System.out.printf("%-10s %10.1f %8.2f %5.2fx %10.1f %8.2f %5.2fx %7.2fms %7.2fms %7.2fx %7.2fms %7.2fx%n",
                    k, fwd / ROWS, forwardFlops * ROWS / fwd, fwdBase / fwd, aug / ROWS,
                    augmentedFlops * ROWS / aug, augBase / aug, kernelMs, totalMs, TORCHDIFFEQ_ADJOINT_T1_MS / totalMs,
                    realMs, TORCHDIFFEQ_ADJOINT_T1_MS / realMs);
        }
        System.out.printf("adjoint T=1 with a zero-cost field (solvers, copies, single-row terms): %.2f ms; "
                + "10x torchdiffeq needs <= %.2f ms%n", floorMs, TORCHDIFFEQ_ADJOINT_T1_MS / 10);
        System.out.printf("adjoint T=1 with (a): %.2f ms in this fork, GradientBenchmark.adjoint %.2f ms in its own "
                + "(%.2fx torchdiffeq's %.1f ms); (a)'s %d forward + %d augmented evaluations account for %.2f ms, "
                + "leaving %.2f ms for the rest (the zero-cost field measured %.2f)%n", measuredMs, gradientBenchmarkMs,
                TORCHDIFFEQ_ADJOINT_T1_MS / gradientBenchmarkMs, TORCHDIFFEQ_ADJOINT_T1_MS, EVALUATIONS_T1,
                EVALUATIONS_T1, kernelBaseMs, measuredMs - kernelBaseMs, floorMs);
    }

    /** Writes zeros: the control's field, no arithmetic. */
    private static final class ZeroFieldKernel implements FieldKernel {
        private final int rows;
        private final int width;

        ZeroFieldKernel(int rows, int d) {
            this.rows = rows;
            this.width = rows * d;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public void forward(double[] z, double[] dz) {
            Arrays.fill(dz, 0, width, 0.0);
        }

        @Override
        public void augmented(double[] z, double[] a, double[] dz, double[] az, double[] aTheta) {
            Arrays.fill(dz, 0, width, 0.0);
            Arrays.fill(az, 0, width, 0.0);
        }
    }

    private static double score(Collection<RunResult> results, String method) {
        List<String> seen = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            seen.add(name);
            if (name.endsWith("." + method)) {
                return r.getPrimaryResult().getScore(); // this class in ns, GradientBenchmark in ms
            }
        }
        throw new IllegalStateException("no result for " + method + " among " + seen);
    }
}
