package io.odestream.bench;

import io.odestream.flow.CnfField;
import io.odestream.flow.ContinuousFlow;
import io.odestream.flow.TraceMode;
import io.odestream.ode.control.FixedStep;
import io.odestream.ode.rk.RungeKutta4;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A continuous normalizing flow's log-density, per call of 256 samples (divide by 256 for the cost per
 * sample), at D = 2, 8, 32 with the exact trace and with Hutchinson's estimator: 64 hidden tanh units,
 * RK4 with 10 fixed steps over [0, 1] (the training solve of io.odestream.flow.PlanarFlowFit), so both
 * trace modes do the same number of field evaluations and the difference is the trace's own cost.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar CnfLogDensityBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CnfLogDensityBenchmark {
    private static final int SAMPLES = 256;
    private static final int HIDDEN = 64;

    @Param({"2", "8", "32"})
    int dimension;

    @Param({"EXACT", "HUTCHINSON"})
    TraceMode trace;

    private ContinuousFlow flow;
    private double[] points;
    private SplittableRandom noise;

    @Setup(Level.Trial)
    public void setUp() {
        double[] theta = CnfField.initialParameters(dimension, 0, HIDDEN, 1);
        flow = new ContinuousFlow(new CnfField(dimension, 0, HIDDEN, trace, theta), RungeKutta4.TABLEAU,
                new FixedStep(0.1));
        SplittableRandom random = new SplittableRandom(2);
        points = new double[SAMPLES * dimension];
        for (int i = 0; i < points.length; i++) {
            points[i] = random.nextGaussian();
        }
        noise = new SplittableRandom(3);
    }

    @Benchmark
    public double[] logDensity() {
        return flow.logDensity(points, null, SAMPLES, noise);
    }
}
