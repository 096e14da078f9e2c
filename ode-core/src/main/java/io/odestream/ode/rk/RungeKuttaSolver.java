package io.odestream.ode.rk;

import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverState;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import java.util.Arrays;

/**
 * Solves {@code dz/dt = f(t, z)} for a batch of B rows with an explicit Runge–Kutta method and a
 * step-control strategy:
 * <ul>
 *   <li>{@link #solve}: shared step control, one time span and step size for the whole batch and an
 *       error norm over all rows (torchdiffeq's way);</li>
 *   <li>{@link #solvePerRow}: every row has its own span, step size and controller, and finishes on
 *       its own, while vector-field evaluations stay batched over the rows still running;</li>
 *   <li>{@link #resume} / {@link #resumePerRow}: continue from a {@link SolverState}, keeping the
 *       step size and controller memory (a key's state between two events of a stream).</li>
 * </ul>
 * Outputs are produced at any number of sorted times by the method's dense output, not by
 * shortening steps. Time may run backwards (output times below t0).
 *
 * <p>Reuses its buffers across solves; not thread-safe: use one solver per thread.
 */
public final class RungeKuttaSolver {
    private final ButcherTableau method;
    private final StepControl control;
    private final RungeKuttaEngine engine;
    /** {@link #solveGroupedToEnds}' outcome and per-call arrays, reused from solve to solve. */
    private final SolutionBuilder ends = new SolutionBuilder();
    private double[] rowStarts = new double[0];
    private double[] rowFirstSteps = new double[0];
    private double[][] rowEnds = new double[0][];

    public RungeKuttaSolver(ButcherTableau method, StepControl control) {
        if (method == null || control == null) {
            throw new IllegalArgumentException("a solver needs a method and a step control");
        }
        this.method = method;
        this.control = control;
        this.engine = new RungeKuttaEngine(method, control);
    }

    public ButcherTableau method() {
        return method;
    }

    public StepControl control() {
        return control;
    }

    /** Shared step control from t0 to the last output time. */
    public Solution solve(VectorField f, double[] z0, int rows, double t0, double[] outputTimes) {
        return solve(f, z0, rows, t0, outputTimes, SolveOptions.DEFAULT);
    }

    /** Shared step control from t0 to the last output time, with events or dense recording. */
    public Solution solve(VectorField f, double[] z0, int rows, double t0, double[] outputTimes, SolveOptions options) {
        return solveShared(f, z0, rows, t0, outputTimes, options, Double.NaN);
    }

    /**
     * Shared step control from t0 to the last output time, starting with a step of {@code firstStep}
     * (the size, towards the outputs) instead of Hairer's guess, where it is positive and finite: the
     * step an earlier solve of the same system ended with ({@link SolverState#nextStep(int)}), which
     * saves the guess's extra evaluation. The step control adapts it from there as from any step.
     */
    public Solution solve(VectorField f, double[] z0, int rows, double t0, double[] outputTimes, double firstStep) {
        return solveShared(f, z0, rows, t0, outputTimes, SolveOptions.DEFAULT, firstStep);
    }

    /** Shared step control, from {@code firstStep} where it is positive and finite, else from Hairer's guess. */
    private Solution solveShared(VectorField f, double[] z0, int rows, double t0, double[] outputTimes,
                                 SolveOptions options, double firstStep) {
        checkBatch(f, z0, rows);
        checkTimes(t0, outputTimes, "outputTimes");
        double[] times = outputTimes.clone();
        double[][] perRow = new double[rows][];
        Arrays.fill(perRow, times);
        double[] starts = new double[rows];
        Arrays.fill(starts, t0);
        double[] firstSteps = null;
        if (firstStep > 0) {
            firstSteps = new double[rows];
            Arrays.fill(firstSteps, firstStep);
        }
        return engine.run(f, z0, rows, rows, true, starts, perRow, options, null, firstSteps);
    }

    /** Per-row step control; row r runs from t0[r] to t1[r], the only output time. */
    public Solution solvePerRow(VectorField f, double[] z0, int rows, double[] t0, double[] t1) {
        if (t1 == null || t1.length != rows) {
            throw new IllegalArgumentException("t1 must have one end time per row (" + rows + ")");
        }
        double[][] times = new double[rows][];
        for (int r = 0; r < rows; r++) {
            times[r] = new double[] {t1[r]};
        }
        return solvePerRow(f, z0, rows, t0, times, SolveOptions.DEFAULT);
    }

    /** Per-row step control; row r runs from t0[r] through its own sorted output times. */
    public Solution solvePerRow(VectorField f, double[] z0, int rows, double[] t0, double[][] outputTimes,
                                SolveOptions options) {
        checkBatch(f, z0, rows);
        if (t0 == null || t0.length != rows) {
            throw new IllegalArgumentException("t0 must have one start time per row (" + rows + ")");
        }
        double[][] times = checkPerRowTimes(t0, outputTimes, rows);
        return engine.run(f, z0, rows, t0.clone(), times, false, options, null);
    }

    /**
     * Step control per group of {@code groupSize} consecutive rows: group g (rows
     * {@code [g·groupSize, (g + 1)·groupSize)}) runs from {@code t0[g]} to {@code t1[g]}, its only
     * output time, with one step size and one error norm over its rows — as {@link #solve} runs that
     * group alone, to the bit where the field computes every row on its own (the MLP kernels do) —
     * while each vector-field evaluation stays batched over all groups still running. Many series'
     * posterior samples in one solve: each series' samples keep the step control they would have
     * alone. A group that fails has the failure on each of its rows; the other groups go on.
     * {@code z0} may be longer than the batch's rows × D values (a caller's reused buffer): the rest is
     * not read.
     */
    public Solution solveGrouped(VectorField f, double[] z0, int groupSize, int groups, double[] t0, double[] t1) {
        return solveGrouped(f, z0, groupSize, groups, t0, t1, null);
    }

    /**
     * As {@link #solveGrouped(VectorField, double[], int, int, double[], double[])}, group g starting
     * with a step of {@code firstSteps[g]} where it is positive and finite (as
     * {@link #solve(VectorField, double[], int, double, double[], double)} starts that group alone),
     * with Hairer's guess where it is not; {@code firstSteps} null: the guess for every group.
     */
    public Solution solveGrouped(VectorField f, double[] z0, int groupSize, int groups, double[] t0, double[] t1,
                                 double[] firstSteps) {
        if (groupSize < 1 || groups < 1) {
            throw new IllegalArgumentException("a grouped solve needs groups >= 1 of size >= 1, got " + groups
                    + " of " + groupSize);
        }
        if (t0 == null || t0.length < groups || t1 == null || t1.length < groups) {
            throw new IllegalArgumentException("t0 and t1 must have one time per group (" + groups + ")");
        }
        int rows = groupSize * groups;
        checkBatch(f, z0, rows, false);
        if (firstSteps != null && firstSteps.length < groups) {
            throw new IllegalArgumentException("firstSteps must have one step per group (" + groups + ")");
        }
        double[] starts = new double[rows];
        double[][] times = new double[rows][];
        double[] rowSteps = firstSteps == null ? null : new double[rows];
        for (int g = 0; g < groups; g++) {
            double[] end = {t1[g]};
            checkTimes(t0[g], end, "t1[" + g + "]");
            for (int j = g * groupSize; j < (g + 1) * groupSize; j++) {
                starts[j] = t0[g];
                times[j] = end;
                if (rowSteps != null) {
                    rowSteps[j] = firstSteps[g];
                }
            }
        }
        return engine.run(f, z0, rows, groupSize, false, starts, times, SolveOptions.DEFAULT, null, rowSteps);
    }

    /**
     * {@link #solveGrouped(VectorField, double[], int, int, double[], double[], double[])}, the same
     * bits, for a caller that needs only where each row ends: read from the returned {@link SolvedEnds},
     * valid until this solver's next solve. Its arrays and this solver's are reused, so once they have
     * grown to the largest batch a solve allocates nothing: the streaming filter's per-event solves.
     * A group that fails has its failure on each of its rows, as there.
     */
    public SolvedEnds solveGroupedToEnds(VectorField f, double[] z0, int groupSize, int groups, double[] t0,
                                         double[] t1, double[] firstSteps) {
        if (groupSize < 1 || groups < 1) {
            throw new IllegalArgumentException("a grouped solve needs groups >= 1 of size >= 1, got " + groups
                    + " of " + groupSize);
        }
        if (t0 == null || t0.length < groups || t1 == null || t1.length < groups
                || (firstSteps != null && firstSteps.length < groups)) {
            throw new IllegalArgumentException("t0, t1 and firstSteps (when given) must have one value per group ("
                    + groups + ")");
        }
        int rows = groupSize * groups;
        checkBatch(f, z0, rows, false);
        if (rowStarts.length < rows) {
            rowStarts = new double[rows];
            rowFirstSteps = new double[rows];
            double[][] grown = new double[rows][];
            for (int r = 0; r < rows; r++) {
                grown[r] = r < rowEnds.length ? rowEnds[r] : new double[1];
            }
            rowEnds = grown;
        }
        for (int g = 0; g < groups; g++) {
            checkSpan(t0[g], t1[g], g);
            for (int j = g * groupSize; j < (g + 1) * groupSize; j++) {
                rowStarts[j] = t0[g];
                rowEnds[j][0] = t1[g];
                rowFirstSteps[j] = firstSteps == null ? 0.0 : firstSteps[g];
            }
        }
        return engine.runToEnds(f, z0, rows, groupSize, rowStarts, rowEnds, rowFirstSteps, ends);
    }

    /** Continues a shared-control solve from {@code state} (all rows at the same time). */
    public Solution resume(VectorField f, SolverState state, double[] outputTimes, SolveOptions options) {
        checkState(f, state);
        double[] t0 = state.time();
        for (double v : t0) {
            if (v != t0[0]) {
                throw new IllegalArgumentException("state rows are at different times; resume it with resumePerRow");
            }
        }
        checkTimes(t0[0], outputTimes, "outputTimes");
        double[][] perRow = new double[state.rows()][];
        Arrays.fill(perRow, outputTimes.clone());
        return engine.run(f, state.state(), state.rows(), t0, perRow, true, options, state);
    }

    /** Continues a per-row solve from {@code state}. */
    public Solution resumePerRow(VectorField f, SolverState state, double[][] outputTimes, SolveOptions options) {
        checkState(f, state);
        double[] t0 = state.time();
        double[][] times = checkPerRowTimes(t0, outputTimes, state.rows());
        return engine.run(f, state.state(), state.rows(), t0, times, false, options, state);
    }

    private static void checkBatch(VectorField f, double[] z0, int rows) {
        checkBatch(f, z0, rows, true);
    }

    private static void checkBatch(VectorField f, double[] z0, int rows, boolean exactLength) {
        if (f == null) {
            throw new IllegalArgumentException("vector field f is null");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        int d = f.dimension();
        if (d < 1) {
            throw new IllegalArgumentException("the vector field's dimension must be >= 1, got " + d);
        }
        if (z0 == null || (exactLength ? z0.length != rows * d : z0.length < rows * d)) {
            throw new IllegalArgumentException("z0 must hold rows × D = " + rows + " × " + d + " = " + rows * d
                    + " values, has " + (z0 == null ? "none (null)" : z0.length)
                    + "; check that D matches the vector field's dimension");
        }
        for (int i = 0; i < rows * d; i++) {
            if (!Double.isFinite(z0[i])) {
                throw new IllegalArgumentException("z0 is not finite at row " + i / d + ", component " + i % d
                        + " (" + z0[i] + "); mask or replace missing values before solving");
            }
        }
    }

    private static void checkState(VectorField f, SolverState state) {
        if (state == null) {
            throw new IllegalArgumentException("solver state to resume from is null");
        }
        if (f == null || state.dimension() != f.dimension()) {
            throw new IllegalArgumentException("the state has D = " + state.dimension()
                    + " but the vector field has D = " + (f == null ? "none (null)" : f.dimension()));
        }
        checkBatch(f, state.state(), state.rows());
    }

    private static double[][] checkPerRowTimes(double[] t0, double[][] outputTimes, int rows) {
        if (outputTimes == null || outputTimes.length != rows) {
            throw new IllegalArgumentException("outputTimes must have one list per row (" + rows + ")");
        }
        double[][] times = new double[rows][];
        for (int r = 0; r < rows; r++) {
            checkTimes(t0[r], outputTimes[r], "outputTimes[" + r + "]");
            times[r] = outputTimes[r].clone();
        }
        return times;
    }

    /** {@link #checkTimes} for group g's one end time, without an array for it. */
    private static void checkSpan(double t0, double t1, int g) {
        if (!Double.isFinite(t0)) {
            throw new IllegalArgumentException("start time t0 must be finite, got " + t0);
        }
        if (!Double.isFinite(t1)) {
            throw new IllegalArgumentException("t1[" + g + "] is not finite (" + t1 + ")");
        }
    }

    /** Times must be finite, on one side of t0, and sorted in the direction of integration. */
    private static void checkTimes(double t0, double[] times, String name) {
        if (!Double.isFinite(t0)) {
            throw new IllegalArgumentException("start time t0 must be finite, got " + t0);
        }
        if (times == null || times.length == 0) {
            throw new IllegalArgumentException(name + " must contain at least one time");
        }
        double direction = Math.signum(times[times.length - 1] - t0);
        double previous = t0;
        for (int i = 0; i < times.length; i++) {
            double ti = times[i];
            if (!Double.isFinite(ti)) {
                throw new IllegalArgumentException(name + "[" + i + "] is not finite (" + ti + ")");
            }
            if ((ti - previous) * direction < 0 || (direction == 0 && ti != t0)) {
                throw new IllegalArgumentException(name + " must be sorted in the direction of integration from t0="
                        + t0 + " to " + times[times.length - 1] + ", but " + name + "[" + i + "] = " + ti
                        + " comes after " + previous);
            }
            previous = ti;
        }
    }
}
