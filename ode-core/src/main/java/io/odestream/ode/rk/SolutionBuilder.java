package io.odestream.ode.rk;

import io.odestream.ode.Solution;
import io.odestream.ode.SolverException;
import io.odestream.ode.SolverState;
import io.odestream.ode.SolverStats;
import io.odestream.ode.event.EventOccurrence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What one solve produces, collected by caller row while the engine works in its own (compacted)
 * row order: outputs, final states, statistics, failures, events and the recorded trajectory.
 * Either built into a {@link Solution} (a new builder per solve), or, for a solve to one end time per
 * row, read as {@link SolvedEnds} and reused by the next such solve: its arrays grow to the largest
 * solve and stay, so that a per-event solve allocates nothing.
 */
final class SolutionBuilder implements SolvedEnds {
    double[][] times;
    double[][] outputs;
    DenseTrajectory dense;
    private int rows;
    private int d;
    private boolean shared;
    private double sharedDirection;
    private long evaluations;
    private int[] rowEvaluations;
    private int[] rowAccepted;
    private int[] rowRejected;
    private double[] finalTime;
    private double[] finalState;
    private double[] finalStep;
    private double[] finalRatio;
    private SolverException[] failures;
    private final List<EventOccurrence> occurrences = new ArrayList<>();

    SolutionBuilder(ButcherTableau tableau, int rows, int d, double[] t0, double[][] times, boolean shared,
                    boolean recordDense) {
        reset(rows, d, t0, times, shared);
        this.dense = recordDense ? new DenseTrajectory(tableau, rows, d) : null;
    }

    /** An empty builder to {@link #reset} for each solve. */
    SolutionBuilder() {
    }

    /** Starts collecting a new solve (no dense recording), keeping the arrays that are large enough. */
    SolutionBuilder reset(int rows, int d, double[] t0, double[][] times, boolean shared) {
        this.rows = rows;
        this.d = d;
        this.shared = shared;
        this.times = times;
        this.sharedDirection = Math.signum(times[0][times[0].length - 1] - t0[0]);
        if (outputs == null || outputs.length < rows) {
            outputs = new double[rows][];
            rowEvaluations = new int[rows];
            rowAccepted = new int[rows];
            rowRejected = new int[rows];
            finalTime = new double[rows];
            finalStep = new double[rows];
            finalRatio = new double[rows];
            failures = new SolverException[rows];
        } else {
            Arrays.fill(rowEvaluations, 0, rows, 0);
            Arrays.fill(rowAccepted, 0, rows, 0);
            Arrays.fill(rowRejected, 0, rows, 0);
            Arrays.fill(failures, 0, rows, null);
        }
        for (int r = 0; r < rows; r++) {
            int n = times[r].length * d;
            if (outputs[r] == null || outputs[r].length < n) {
                outputs[r] = new double[n];
            }
            Arrays.fill(outputs[r], 0, n, Double.NaN);
        }
        if (finalState == null || finalState.length < rows * d) {
            finalState = new double[rows * d];
        }
        evaluations = 0;
        occurrences.clear();
        dense = null;
        return this;
    }

    /** One call of the vector field on the first {@code active} engine rows. */
    void evaluated(int[] perm, int active) {
        evaluations++;
        for (int p = 0; p < active; p++) {
            rowEvaluations[perm[p]]++;
        }
    }

    /** One call of the vector field on the first {@code active} engine rows, on behalf of those {@code counted} only. */
    void evaluated(int[] perm, int active, boolean[] counted) {
        evaluations++;
        for (int p = 0; p < active; p++) {
            if (counted[p]) {
                rowEvaluations[perm[p]]++;
            }
        }
    }

    void accepted(int row) {
        rowAccepted[row]++;
    }

    void rejected(int row) {
        rowRejected[row]++;
    }

    void failed(int row, SolverException failure) {
        failures[row] = failure;
    }

    void occurred(EventOccurrence occurrence) {
        occurrences.add(occurrence);
    }

    /** A row is done: where it ended and what a later solve needs to resume it. */
    void retire(int row, double[] z, int offset, double t, double nextStep, double previousRatio) {
        System.arraycopy(z, offset, finalState, row * d, d);
        finalTime[row] = t;
        finalStep[row] = nextStep;
        finalRatio[row] = previousRatio;
    }

    @Override
    public double[] finalStates() {
        return finalState;
    }

    @Override
    public double nextStep(int row) {
        return finalStep[row];
    }

    @Override
    public int evaluations(int row) {
        return rowEvaluations[row];
    }

    @Override
    public SolverException failure(int row) {
        return failures[row];
    }

    Solution build() {
        SolverState state = new SolverState(rows, d, finalTime, finalState, finalStep, finalRatio);
        SolverStats stats = new SolverStats(evaluations, rowEvaluations, rowAccepted, rowRejected, shared);
        List<EventOccurrence> sorted = new ArrayList<>(occurrences);
        if (shared) {
            // One clock for the batch: order by time in the direction of integration, then by row.
            sorted.sort(Comparator.comparingDouble((EventOccurrence o) -> sharedDirection * o.time())
                    .thenComparingInt(EventOccurrence::row));
        } else {
            // Occurrences were found step by step: stable-sorting by row keeps each row's in time order.
            sorted.sort(Comparator.comparingInt(EventOccurrence::row));
        }
        return new Solution(rows, d, times, outputs, finalTime.clone(), state, stats, sorted, failures, dense);
    }
}
