package io.odestream.bench;

import io.odestream.nn.Activation;
import io.odestream.nn.FastTanh;
import io.odestream.nn.NeuralVectorField;
import java.util.Collection;
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
 * One evaluation of the Neural ODE field f(z) = W2·tanh(W1·z + b1) + b2 (D = 16, H = 64, the
 * shared torchdiffeq case's shape) for a batch of B rows, on one thread.
 *
 * <p>Baselines in the same run: the textbook dot-product loop with {@code Math.tanh} (what a
 * straightforward Java port does) and the same loop with FastTanh, so the kernel layout and
 * the tanh are credited separately. {@code main} prints ns per row, GFLOP/s (4·D·H flops a row,
 * activations not counted) and the ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpFieldBenchmark {
    static final int D = 16;
    static final int H = 64;

    @Param({"1", "64", "1024"})
    public int rows;

    private NeuralVectorField field;
    private double[] t;
    private double[] z;
    private double[] dz;
    private double[] a;
    private double[] az;
    private double[] aTheta;
    private double[][] w1;
    private double[] b1;
    private double[][] w2;
    private double[] b2;
    private final double[] hidden = new double[H];

    @Setup
    public void setUp() {
        field = NeuralVectorField.create(D, new int[] {H}, Activation.TANH, Activation.IDENTITY, false, 0);
        Random random = new Random(1);
        double[] p = field.parameters();
        for (int k = 0; k < p.length; k++) {
            p[k] += 0.05 * random.nextGaussian(); // non-zero biases, like a trained model
        }
        field.parametersChanged();
        t = new double[rows];
        z = new double[rows * D];
        for (int k = 0; k < z.length; k++) {
            z[k] = random.nextGaussian();
        }
        dz = new double[rows * D];
        a = z.clone();
        az = new double[rows * D];
        aTheta = new double[field.parameterCount()];
        // the same weights as plain arrays for the baselines (torch layout: out×in)
        w1 = new double[H][D];
        b1 = new double[H];
        w2 = new double[D][H];
        b2 = new double[D];
        int k = 0;
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < D; j++) {
                w1[i][j] = p[k++];
            }
        }
        for (int i = 0; i < H; i++) {
            b1[i] = p[k++];
        }
        for (int o = 0; o < D; o++) {
            for (int i = 0; i < H; i++) {
                w2[o][i] = p[k++];
            }
        }
        for (int o = 0; o < D; o++) {
            b2[o] = p[k++];
        }
    }

    /** The field as the solvers call it. */
    @Benchmark
    public double[] neuralVectorField() {
        field.evaluate(t, z, dz, rows);
        return dz;
    }

    /**
     * aᵀ∂f/∂z and aᵀ∂f/∂θ (includes the forward pass it needs), as back-propagation through the solver
     * calls it; the adjoint's call, which also returns f, is {@code FieldKernelBenchmark.augmented}.
     */
    @Benchmark
    public double[] neuralVectorFieldVjp() {
        field.vjp(t, z, a, az, aTheta, rows);
        return az;
    }

    @Benchmark
    public double[] textbookMathTanh() {
        textbook(false);
        return dz;
    }

    @Benchmark
    public double[] textbookFastTanh() {
        textbook(true);
        return dz;
    }

    private void textbook(boolean fast) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < H; i++) {
                double s = b1[i];
                for (int j = 0; j < D; j++) {
                    s += w1[i][j] * z[r * D + j];
                }
                hidden[i] = fast ? FastTanh.tanh(s) : Math.tanh(s);
            }
            for (int o = 0; o < D; o++) {
                double s = b2[o];
                for (int i = 0; i < H; i++) {
                    s += w2[o][i] * hidden[i];
                }
                dz[r * D + o] = s;
            }
        }
    }

    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(MlpFieldBenchmark.class.getSimpleName()).build()).run();
        double flopsPerRow = 4.0 * D * H;
        System.out.printf("%n%-22s %6s %12s %10s %8s %14s%n", "benchmark", "B", "ns/call", "ns/row", "GFLOP/s",
                "vs textbook+Math.tanh");
        for (String b : new String[] {"1", "64", "1024"}) {
            double baseline = JmhScores.score(results, "textbookMathTanh", "rows", b);
            for (String method : new String[] {"textbookMathTanh", "textbookFastTanh", "neuralVectorField",
                    "neuralVectorFieldVjp"}) {
                double ns = JmhScores.score(results, method, "rows", b);
                int rows = Integer.parseInt(b);
                System.out.printf("%-22s %6s %12.1f %10.1f %8.2f %13.2fx%n", method, b, ns, ns / rows,
                        flopsPerRow * rows / ns, baseline / ns);
            }
        }
    }
}
