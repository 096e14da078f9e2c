package io.odestream.ode.adjoint;

import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverState;
import io.odestream.ode.SolverStats;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.ErrorNorm;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.Arrays;

/**
 * Gradients through a solve by the adjoint method (Chen et al. 2018, Alg. 1): the augmented system
 * {@code [z, a, aθ]} is integrated backwards from the last output time to t0, and the loss's
 * gradient with respect to each output is added to {@code a} as the backward solve passes that
 * output's time (piecewise over the outputs, like torchdiffeq's {@code odeint_adjoint}; the state
 * is reset to the forward solve's value there, as torchdiffeq does, so drift does not accumulate).
 *
 * <p>Memory is O(1) in the number of solver steps: nothing of the forward solve is kept but its
 * outputs. The backward solve has its own method and tolerances; with the seminorm option the
 * parameter part {@code aθ} is left out of its error norm (Kidger, Chen &amp; Lyons 2021), which
 * cuts backward steps without touching {@code z} or {@code a}'s accuracy.
 *
 * <p>Time gradients are exact and cheap: {@code dL/dt_q = (dL/dz(t_q))·f(t_q, z(t_q))} and
 * {@code dL/dt0 = −a(t0)·f(t0, z(t0))}.
 */
public final class AdjointMethod {
    private final ButcherTableau method;
    private final StepControl control;
    private final boolean seminorm;

    /**
     * @param method   the backward solve's method
     * @param control  the backward solve's step control: its own tolerances, or a fixed step
     * @param seminorm leave the parameter cotangent out of the backward error norm (adaptive only)
     */
    public AdjointMethod(ButcherTableau method, StepControl control, boolean seminorm) {
        if (seminorm && !(control instanceof AdaptiveStep)) {
            throw new IllegalArgumentException("the seminorm only applies to adaptive step control");
        }
        this.method = method;
        this.control = control;
        this.seminorm = seminorm;
    }

    /** The backward control, with the seminorm over the first {@code included} components if asked. */
    private StepControl backwardControl(int included) {
        return seminorm
                ? ((AdaptiveStep) control).toBuilder().norm(ErrorNorm.rmsOverLeading(included)).build()
                : control;
    }

    /**
     * Gradients for a shared-control forward solve from {@code t0}.
     *
     * @param forward    the forward solve (its outputs are the loss's inputs)
     * @param cotangents dL/dz at every output: {@code cotangents[r][q*D + j]}, the layout of
     *                   {@link Solution#value(int, int, int)}
     */
    public Gradients gradients(DifferentiableVectorField f, Solution forward, double t0, double[][] cotangents) {
        int rows = forward.rows();
        int d = f.dimension();
        int p = f.parameterCount();
        checkShapes(f, forward, cotangents);
        double[] times = forward.times(0);
        int n = times.length;
        int bd = rows * d;
        SharedAdjointField augmented = new SharedAdjointField(f, rows);
        RungeKuttaSolver solver = new RungeKuttaSolver(method, backwardControl(augmented.stateAndAdjointSize()));

        double[] s = new double[2 * bd + p];
        double[] zq = new double[bd];
        forward.stateInto(n - 1, zq);
        System.arraycopy(zq, 0, s, 0, bd);
        addCotangents(cotangents, n - 1, d, s, bd, rows);
        double[][] outputTimeGradients = outputTimeGradients(f, forward, cotangents);

        SolverState state = null;
        Cost cost = new Cost(1);
        for (int i = n - 1; i >= 0; i--) {
            double from = times[i];
            double to = i > 0 ? times[i - 1] : t0;
            if (from != to) {
                Solution segment = state == null
                        ? solver.solve(augmented, s, 1, from, new double[] {to})
                        : solver.resume(augmented, state.withState(s), new double[] {to}, SolveOptions.DEFAULT);
                state = segment.finalState();
                s = state.state();
                cost.add(segment.stats());
            }
            if (i > 0) {
                forward.stateInto(i - 1, zq);
                System.arraycopy(zq, 0, s, 0, bd); // the forward value, as torchdiffeq does
                addCotangents(cotangents, i - 1, d, s, bd, rows);
            }
        }
        double[] initialState = Arrays.copyOfRange(s, bd, 2 * bd);
        double[] parameters = Arrays.copyOfRange(s, 2 * bd, 2 * bd + p);
        double[] t0s = new double[rows];
        Arrays.fill(t0s, t0);
        double[] startTimes = startTimeGradients(f, t0s, Arrays.copyOfRange(s, 0, bd), initialState, rows);
        return new Gradients(initialState, parameters, startTimes, outputTimeGradients, cost.stats(true));
    }

    /**
     * Gradients for a per-row forward solve: row r ran from {@code t0[r]} through its own output
     * times; its backward solve runs over its own span with its own steps.
     */
    public Gradients gradientsPerRow(DifferentiableVectorField f, Solution forward, double[] t0, double[][] cotangents) {
        int rows = forward.rows();
        int d = f.dimension();
        int p = f.parameterCount();
        checkShapes(f, forward, cotangents);
        PerRowAdjointField augmented = new PerRowAdjointField(f);
        int width = augmented.dimension();
        RungeKuttaSolver solver = new RungeKuttaSolver(method, backwardControl(2 * d));

        double[] s = new double[rows * width];
        double[] current = new double[rows];
        int rounds = 0;
        for (int r = 0; r < rows; r++) {
            int n = forward.outputCount(r);
            rounds = Math.max(rounds, n);
            System.arraycopy(forwardRow(forward, r, n - 1), 0, s, r * width, d);
            for (int j = 0; j < d; j++) {
                s[r * width + d + j] += cotangents[r][(n - 1) * d + j];
            }
            current[r] = forward.times(r)[n - 1];
        }
        double[][] outputTimeGradients = outputTimeGradients(f, forward, cotangents);

        SolverState state = null;
        Cost cost = new Cost(rows);
        for (int round = 0; round < rounds; round++) {
            double[][] targets = new double[rows][];
            for (int r = 0; r < rows; r++) {
                int i = forward.outputCount(r) - 1 - round;
                double to = i > 0 ? forward.times(r)[i - 1] : t0[r];
                targets[r] = new double[] {i >= 0 ? to : current[r]};
            }
            Solution segment = state == null
                    ? solver.solvePerRow(augmented, s, rows, current.clone(), targets, SolveOptions.DEFAULT)
                    : solver.resumePerRow(augmented, state.withState(s), targets, SolveOptions.DEFAULT);
            for (int r = 0; r < rows; r++) {
                if (segment.failure(r) != null) {
                    throw segment.failure(r);
                }
            }
            state = segment.finalState();
            s = state.state();
            current = state.time();
            cost.add(segment.stats());
            for (int r = 0; r < rows; r++) {
                int i = forward.outputCount(r) - 1 - round;
                if (i > 0) {
                    System.arraycopy(forwardRow(forward, r, i - 1), 0, s, r * width, d);
                    for (int j = 0; j < d; j++) {
                        s[r * width + d + j] += cotangents[r][(i - 1) * d + j];
                    }
                }
            }
        }
        double[] initialState = new double[rows * d];
        double[] zStart = new double[rows * d];
        double[] parameters = new double[p];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s, r * width, zStart, r * d, d);
            System.arraycopy(s, r * width + d, initialState, r * d, d);
            for (int i = 0; i < p; i++) {
                parameters[i] += s[r * width + 2 * d + i];
            }
        }
        double[] startTimes = startTimeGradients(f, t0, zStart, initialState, rows);
        return new Gradients(initialState, parameters, startTimes, outputTimeGradients, cost.stats(false));
    }

    private static double[] forwardRow(Solution forward, int row, int q) {
        return forward.rowState(row, q);
    }

    private static void addCotangents(double[][] cotangents, int q, int d, double[] s, int offset, int rows) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                s[offset + r * d + j] += cotangents[r][q * d + j];
            }
        }
    }

    /** dL/dt_q = (dL/dz(t_q)) · f(t_q, z(t_q)), per row and output. */
    private static double[][] outputTimeGradients(DifferentiableVectorField f, Solution forward, double[][] cotangents) {
        int rows = forward.rows();
        int d = f.dimension();
        double[][] out = new double[rows][];
        double[] t = new double[1];
        double[] dz = new double[d];
        for (int r = 0; r < rows; r++) {
            int n = forward.outputCount(r);
            double[] times = forward.times(r);
            out[r] = new double[n];
            for (int q = 0; q < n; q++) {
                t[0] = times[q];
                f.evaluate(t, forward.rowState(r, q), dz, 1);
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += cotangents[r][q * d + j] * dz[j];
                }
                out[r][q] = dot;
            }
        }
        return out;
    }

    /** dL/dt0 = −a(t0) · f(t0, z(t0)): moving the start later shortens the flow from the fixed z0. */
    private static double[] startTimeGradients(DifferentiableVectorField f, double[] t0, double[] z, double[] a, int rows) {
        int d = f.dimension();
        double[] dz = new double[rows * d];
        f.evaluate(t0.clone(), z, dz, rows);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += a[r * d + j] * dz[r * d + j];
            }
            out[r] = -dot;
        }
        return out;
    }

    private static void checkShapes(DifferentiableVectorField f, Solution forward, double[][] cotangents) {
        if (forward.dimension() != f.dimension()) {
            throw new IllegalArgumentException("the forward solve has D = " + forward.dimension()
                    + " but the vector field has D = " + f.dimension());
        }
        if (forward.anyFailed()) {
            throw new IllegalArgumentException("the forward solve has failed rows; there is no gradient through a "
                    + "failed solve");
        }
        if (cotangents == null || cotangents.length != forward.rows()) {
            throw new IllegalArgumentException("cotangents must have one entry per row (" + forward.rows() + ")");
        }
        for (int r = 0; r < forward.rows(); r++) {
            int expected = forward.outputCount(r) * f.dimension();
            if (cotangents[r] == null || cotangents[r].length != expected) {
                throw new IllegalArgumentException("cotangents[" + r + "] must hold outputs × D = " + expected
                        + " values (dL/dz at each output time of that row)");
            }
        }
    }

    /** Adds up the backward segments' statistics. */
    private static final class Cost {
        private long evaluations;
        private final int[] evaluationsPerRow;
        private final int[] accepted;
        private final int[] rejected;

        Cost(int rows) {
            evaluationsPerRow = new int[rows];
            accepted = new int[rows];
            rejected = new int[rows];
        }

        void add(SolverStats stats) {
            evaluations += stats.evaluations();
            for (int r = 0; r < evaluationsPerRow.length; r++) {
                evaluationsPerRow[r] += stats.evaluations(r);
                accepted[r] += stats.accepted(r);
                rejected[r] += stats.rejected(r);
            }
        }

        SolverStats stats(boolean shared) {
            return new SolverStats(evaluations, evaluationsPerRow, accepted, rejected, shared);
        }
    }
}
