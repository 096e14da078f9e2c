package io.odestream.bench;

import io.odestream.nn.Activation;
import io.odestream.nn.FastTanh;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * ns per element of tanh and sigmoid over 1024 pre-activations drawn like an MLP's (normal,
 * σ = 1.5, so both FastTanh branches and their mispredictions are exercised). Baselines in the
 * same run: {@code Math.tanh} and the textbook {@code 1/(1 + Math.exp(−x))}.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.odestream.bench.ActivationBenchmark} prints
 * the ratios; or run it through JMH's own main.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ActivationBenchmark {
    private static final int N = 1024;
    private final double[] u = new double[N];
    private final double[] y = new double[N];

    @Setup
    public void setUp() {
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            u[i] = 1.5 * random.nextGaussian();
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double[] mathTanh() {
        for (int i = 0; i < N; i++) {
            y[i] = Math.tanh(u[i]);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double[] fastTanh() {
        for (int i = 0; i < N; i++) {
            y[i] = FastTanh.tanh(u[i]);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double[] tanhActivationLoop() {
        Activation.TANH.apply(u, y, N);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double[] textbookSigmoid() {
        for (int i = 0; i < N; i++) {
            y[i] = 1.0 / (1.0 + Math.exp(-u[i]));
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double[] sigmoid() {
        for (int i = 0; i < N; i++) {
            y[i] = Activation.sigmoid(u[i]);
        }
        return y;
    }

    public static void main(String[] args) throws RunnerException {
        var results = new Runner(new OptionsBuilder().include(ActivationBenchmark.class.getSimpleName()).build()).run();
        double mathTanh = JmhScores.score(results, "mathTanh");
        double textbookSigmoid = JmhScores.score(results, "textbookSigmoid");
        System.out.printf("%n%-20s %10s %12s%n", "benchmark", "ns/elem", "vs baseline");
        for (String name : new String[] {"mathTanh", "fastTanh", "tanhActivationLoop"}) {
            System.out.printf("%-20s %10.2f %11.2fx%n", name, JmhScores.score(results, name), mathTanh / JmhScores.score(results, name));
        }
        for (String name : new String[] {"textbookSigmoid", "sigmoid"}) {
            System.out.printf("%-20s %10.2f %11.2fx%n", name, JmhScores.score(results, name),
                    textbookSigmoid / JmhScores.score(results, name));
        }
    }
}
