package io.odestream.bench;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.Prediction;
import io.odestream.latent.Score;
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
 * Per-event cost of the latent-ODE filter with a demo-sized model (C = 3 channels, L = 4, H = 16,
 * dynamics networks with 32 hidden units, dopri5 at rtol 1e-5): one update after a 1 s gap, one
 * score (K posterior samples) and one forecast at 3 query times (K samples).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-modules", "jdk.incubator.vector"})
public class LatentFilterBenchmark {
    @Param({"16", "64"})
    public int samples;

    private LatentFilter filter;
    private FilterState state;
    private final double[] values = {0.3, -1.2, 0.8};
    private final long[] queries = {2_000, 10_000, 60_000};

    @Setup
    public void setUp() {
        LatentOdeSpec spec = LatentOdeSpec.of(3, 4, 16, new int[] {32}, new int[] {32}, 1000.0);
        filter = new LatentFilter(LatentOdeModel.create(spec, 1), "bench", 1);
        state = filter.update(filter.start(0), 1_000, values, null);
    }

    @Benchmark
    public FilterState update() {
        return filter.update(state, 2_000, values, null);
    }

    @Benchmark
    public Score score() {
        return filter.score(state, 2_000, values, null, samples, 1);
    }

    @Benchmark
    public Prediction predict() {
        return filter.predict(state, queries, samples, 1);
    }
}
