package io.odestream.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.numbers.gamma.Erfc;
import org.hipparchus.special.Erf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ns per erfc call over 1024 arguments drawn as the predictive quantiles' bisection draws them
 * ((x − m)/(σ√2) with x near the mixture's tails and body: normal, σ = 3). The quantiles call erfc
 * ~45 × K times per channel, query time and quantile; baseline in the same run: Hipparchus'
 * {@code Erf.erfc}, which the quantiles used before Commons Numbers' {@code Erfc}.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar ErfcBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ErfcBenchmark {
    private static final int N = 1024;
    private final double[] x = new double[N];

    public ErfcBenchmark() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < N; i++) {
            x[i] = 3 * random.nextGaussian();
        }
    }

    @Benchmark
    public double commonsNumbers() {
        double s = 0;
        for (double v : x) {
            s += Erfc.value(v);
        }
        return s / N;
    }

    @Benchmark
    public double hipparchus() {
        double s = 0;
        for (double v : x) {
            s += Erf.erfc(v);
        }
        return s / N;
    }
}
