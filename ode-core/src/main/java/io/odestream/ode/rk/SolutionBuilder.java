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
 */
final class SolutionBuilder {
    final double[][] times;
    final double[][] outputs;
    final DenseTrajectory dense;
    private final int rows;
    private final int d;
    private final boolean shared;
    private final double sharedDirection;
    private long evaluations;
    private final int[] rowEvaluations;
    private final int[] rowAccepted;
    private final int[] rowRejected;
    private final double[] finalTime;
    private final double[] finalState;
    private final double[] finalStep;
    private final double[] finalRatio;
    private final SolverException[] failures;
    private final List<EventOccurrence> occurrences = new ArrayList<>();

    SolutionBuilder(ButcherTableau tableau, int rows, int d, double[] t0, double[][] times, boolean shared,
                    boolean recordDense) {
        this.rows = rows;
        this.d = d;
        this.shared = shared;
        this.times = times;
        this.sharedDirection = Math.signum(times[0][times[0].length - 1] - t0[0]);
        this.outputs = new double[rows][];
        for (int r = 0; r < rows; r++) {
            outputs[r] = new double[times[r].length * d];
            Arrays.fill(outputs[r], Double.NaN);
        }
        this.rowEvaluations = new int[rows];
        this.rowAccepted = new int[rows];
        this.rowRejected = new int[rows];
        this.finalTime = new double[rows];
        this.finalState = new double[rows * d];
        this.finalStep = new double[rows];
        this.finalRatio = new double[rows];
        this.failures = new SolverException[rows];
        this.dense = recordDense ? new DenseTrajectory(tableau, rows, d) : null;
    }

    /** One call of the vector field on the first {@code active} engine rows. */
    void evaluated(int[] perm, int active) {
        evaluations++;
        for (int p = 0; p < active; p++) {
            rowEvaluations[perm[p]]++;
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
