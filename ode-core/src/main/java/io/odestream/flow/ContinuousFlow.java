package io.odestream.flow;

import io.odestream.ode.Solution;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.SplittableRandom;

/**
 * A continuous normalizing flow: x at t = 0 is carried by {@link CnfField}'s dynamics to z(1), which
 * should be standard normal, so
 * <pre>
 *   log p(x | c) = log N(z(1); 0, I) − ℓ(1),   ℓ(0) = 0,   dℓ/dt = −tr(∂f/∂z)
 * </pre>
 * (the instantaneous change of variables integrated forward). Sampling runs the same dynamics
 * backwards from a base draw at t = 1; the ℓ it accumulates gives the sample's log-density by the
 * change of variables, {@code log p(x) = log N(z(1)) + ℓ(0)} when ℓ(1) = 0.
 *
 * <p>Both directions solve all rows in one batch with the given method and step control. With the
 * Hutchinson trace every row draws one Rademacher ε from the given random source for its solve.
 */
public final class ContinuousFlow {
    /** The flow runs over t ∈ [0, 1]. */
    public static final double END_TIME = 1.0;
    private static final double LOG_TWO_PI = Math.log(2 * Math.PI);

    private final CnfField field;
    private final RungeKuttaSolver solver;

    public ContinuousFlow(CnfField field, ButcherTableau method, StepControl control) {
        this.field = field;
        this.solver = new RungeKuttaSolver(method, control);
    }

    public CnfField field() {
        return field;
    }

    public RungeKuttaSolver solver() {
        return solver;
    }

    /**
     * log p(x | c) for {@code rows} points.
     *
     * @param x       points, {@code rows × D} row-major
     * @param context conditioning vectors, {@code rows × C} row-major (ignored when C = 0; may be null then)
     * @param noise   the source of Hutchinson's ε (unused by the exact trace)
     */
    public double[] logDensity(double[] x, double[] context, int rows, SplittableRandom noise) {
        Solution solution = forward(x, context, rows, noise);
        double[] end = solution.state(0);
        double[] logDensity = new double[rows];
        int width = field.dimension();
        int d = field.dataDimension();
        for (int r = 0; r < rows; r++) {
            logDensity[r] = logStandardNormal(end, r * width, d) - end[r * width + d];
        }
        return logDensity;
    }

    /** The forward solve from t = 0 to 1 of the augmented rows built from x, the context and fresh ε. */
    Solution forward(double[] x, double[] context, int rows, SplittableRandom noise) {
        double[] start = augmented(x, context, rows, noise);
        Solution solution = solver.solve(field, start, rows, 0.0, new double[] {END_TIME});
        if (solution.anyFailed()) {
            throw solution.failure(firstFailed(solution));
        }
        return solution;
    }

    /**
     * Samples: each base point (a standard-normal draw, {@code rows × D}) integrated from t = 1 back
     * to 0, with the log-density of the result by the change of variables along the way.
     */
    public FlowSamples sample(double[] base, double[] context, int rows, SplittableRandom noise) {
        double[] start = augmented(base, context, rows, noise);
        Solution solution = solver.solve(field, start, rows, END_TIME, new double[] {0.0});
        if (solution.anyFailed()) {
            throw solution.failure(firstFailed(solution));
        }
        double[] end = solution.state(0);
        int width = field.dimension();
        int d = field.dataDimension();
        double[] points = new double[rows * d];
        double[] logDensity = new double[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(end, r * width, points, r * d, d);
            logDensity[r] = logStandardNormal(base, r * d, d) + end[r * width + d];
        }
        return new FlowSamples(points, logDensity);
    }

    /** {@code rows} samples from fresh standard-normal base draws; see {@link #sample(double[], double[], int, SplittableRandom)}. */
    public FlowSamples sample(int rows, double[] context, SplittableRandom random) {
        double[] base = new double[rows * field.dataDimension()];
        for (int i = 0; i < base.length; i++) {
            base[i] = standardNormal(random);
        }
        return sample(base, context, rows, random);
    }

    /** A standard-normal draw (Box–Muller), so that draws depend only on the random source's seed. */
    static double standardNormal(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Rows [x, ℓ = 0, c, ε] in the field's layout; ε is Rademacher (±1) for the Hutchinson trace. */
    double[] augmented(double[] x, double[] context, int rows, SplittableRandom noise) {
        int d = field.dataDimension();
        int c = field.contextSize();
        if (x.length < rows * d) {
            throw new IllegalArgumentException("expected " + rows + " points of dimension " + d + ", got "
                    + x.length + " values");
        }
        if (c > 0 && (context == null || context.length < rows * c)) {
            throw new IllegalArgumentException("expected " + rows + " context vectors of length " + c + ", got "
                    + (context == null ? "none" : context.length + " values"));
        }
        int width = field.dimension();
        double[] start = new double[rows * width];
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            System.arraycopy(x, r * d, start, base, d);
            if (c > 0) {
                System.arraycopy(context, r * c, start, base + field.contextIndex(), c);
            }
            if (field.trace() == TraceMode.HUTCHINSON) {
                for (int i = 0; i < d; i++) {
                    start[base + field.noiseIndex() + i] = noise.nextBoolean() ? 1.0 : -1.0;
                }
            }
        }
        return start;
    }

    /** log N(z; 0, I) of the D values at {@code offset}. */
    static double logStandardNormal(double[] z, int offset, int d) {
        double squares = 0;
        for (int i = 0; i < d; i++) {
            double v = z[offset + i];
            squares += v * v;
        }
        return -0.5 * (squares + d * LOG_TWO_PI);
    }

    private static int firstFailed(Solution solution) {
        for (int r = 0; r < solution.rows(); r++) {
            if (solution.failure(r) != null) {
                return r;
            }
        }
        return 0;
    }
}
