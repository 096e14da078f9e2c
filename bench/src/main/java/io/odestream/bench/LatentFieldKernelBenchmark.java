package io.odestream.bench;

import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
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
 * One evaluation of the demo latent model's vector fields through {@code Mlp} (whichever kernel it
 * routes the batch to), at the row counts the job gives them (issue 21): the decoder's dynamics
 * (L = 6 → 32 → 6) at the 2L + 1 = 13 sigma points of one score, 16 Monte Carlo samples and 8
 * series' sigma points batched (104 rows), and the encoder's (H = 20 → 32 → 20) at one series'
 * update (1 row) and batches of 8 and 32 series. {@code evaluate} is what the per-event path calls;
 * {@code augmented} (f, aᵀ∂f/∂z and aᵀ∂f/∂θ from one forward pass) is training's. Narrow outputs
 * and row counts that are not a multiple of 8 are what the Vector API kernel's tails handle
 * (bench/README.md, "Masked tails in the MLP kernel"). {@code main} prints ns per call and per row.
 * To compare another ode-core, put its classes first on the class path.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.odestream.bench.LatentFieldKernelBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LatentFieldKernelBenchmark {
    /** rows × (dimension, hidden units). */
    @Param({"13x6x32", "16x6x32", "104x6x32", "1x20x32", "8x20x32", "32x20x32"})
    public String shape;

    private int rows;
    private NeuralVectorField field;
    private double[] t;
    private double[] z;
    private double[] a;
    private double[] dz;
    private double[] az;
    private double[] aTheta;

    @Setup
    public void setUp() {
        String[] parts = shape.split("x");
        rows = Integer.parseInt(parts[0]);
        int d = Integer.parseInt(parts[1]);
        int hidden = Integer.parseInt(parts[2]);
        field = NeuralVectorField.create(d, new int[] {hidden}, Activation.TANH, Activation.IDENTITY, false, 11);
        if (!field.mlp().usesVectorApi()) {
            throw new IllegalStateException("the Vector API kernel is off: the fork needs --add-modules "
                    + "jdk.incubator.vector");
        }
        Random random = new Random(12);
        t = new double[rows];
        z = new double[rows * d];
        a = new double[rows * d];
        for (int k = 0; k < z.length; k++) {
            z[k] = random.nextGaussian();
            a[k] = random.nextGaussian();
        }
        dz = new double[z.length];
        az = new double[z.length];
        aTheta = new double[field.parameterCount()];
    }

    @Benchmark
    public double[] evaluate() {
        field.evaluate(t, z, dz, rows);
        return dz;
    }

    @Benchmark
    public double[] augmented() {
        Arrays.fill(aTheta, 0.0);
        field.evaluateAndVjp(t, z, a, dz, az, aTheta, rows);
        return aTheta;
    }

    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(LatentFieldKernelBenchmark.class.getName() + "\\.").build()).run();
        System.out.println("| rows × field | evaluate ns (per row) | augmented ns (per row) |");
        System.out.println("|---|---:|---:|");
        for (String s : new String[] {"13x6x32", "16x6x32", "104x6x32", "1x20x32", "8x20x32", "32x20x32"}) {
            String[] parts = s.split("x");
            int rows = Integer.parseInt(parts[0]);
            double e = JmhScores.score(results, "evaluate", "shape", s);
            double g = JmhScores.score(results, "augmented", "shape", s);
            System.out.printf(Locale.ROOT, "| %d × %s-%s-%s | %.0f (%.1f) | %.0f (%.1f) |%n", rows, parts[1], parts[2],
                    parts[1], e, e / rows, g, g / rows);
        }
    }
}
