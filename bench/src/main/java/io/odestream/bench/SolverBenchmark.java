package io.odestream.bench;

import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.concurrent.TimeUnit;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ODEStateAndDerivative;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
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
 * Dopri5 on the MLP field (D = 16, H = 64, t ∈ [0, 5], float64, rtol 1e-6, atol 1e-8): one solve of
 * a batch of B rows. The baseline in the same run: Hipparchus' DormandPrince54Integrator on one
 * row, same field, same tolerances.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class SolverBenchmark {
    static final double RTOL = 1e-6;
    static final double ATOL = 1e-8;
    static final double T1 = 5.0;

    @Param({"1", "64", "1024"})
    public int rows;

    private NeuralVectorField field;
    private RungeKuttaSolver solver;
    private double[] z0;
    private final double[] times = {T1};
    private DormandPrince54Integrator hipparchus;
    private OrdinaryDifferentialEquation ode;

    @Setup
    public void setUp() {
        field = MlpCaseField.load();
        solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(RTOL, ATOL).build());
        z0 = MlpCaseField.initialStates(rows, 1);
        hipparchus = new DormandPrince54Integrator(1e-12, T1, ATOL, RTOL);
        double[] t = new double[1];
        ode = new OrdinaryDifferentialEquation() {
            @Override
            public int getDimension() {
                return MlpCaseField.D;
            }

            @Override
            public double[] computeDerivatives(double time, double[] y) {
                double[] dy = new double[MlpCaseField.D];
                t[0] = time;
                field.evaluate(t, y, dy, 1);
                return dy;
            }
        };
    }

    @Benchmark
    public Solution dopri5() {
        return solver.solve(field, z0, rows, 0.0, times);
    }

    /** Hipparchus, one row at a time (it has no batches): only meaningful at B = 1. */
    @Benchmark
    public ODEStateAndDerivative hipparchusDormandPrince54() {
        ODEStateAndDerivative last = null;
        for (int r = 0; r < rows; r++) {
            double[] y0 = java.util.Arrays.copyOfRange(z0, r * MlpCaseField.D, (r + 1) * MlpCaseField.D);
            last = hipparchus.integrate(ode, new ODEState(0.0, y0), T1);
        }
        return last;
    }

    /** NFE of one solve, for the report (not timed). */
    static long evaluations(int rows) {
        SolverBenchmark b = new SolverBenchmark();
        b.rows = rows;
        b.setUp();
        return b.dopri5().stats().evaluations();
    }
}
