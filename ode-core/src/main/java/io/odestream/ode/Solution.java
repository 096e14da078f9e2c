package io.odestream.ode;

import io.odestream.ode.event.EventOccurrence;
import java.util.Arrays;
import java.util.List;

/**
 * The result of one solve: each row's state at its requested output times, the state to resume
 * from, statistics, events, and (in per-row step control) which rows failed.
 *
 * <p>Outputs that a row did not reach — after a terminal event, or after the row failed — are
 * NaN. In shared step control a failure throws instead, so there every output is a number.
 */
public final class Solution {
    private final int rows;
    private final int dimension;
    private final double[][] times;
    private final double[][] outputs;
    private final double[] endTimes;
    private final SolverState finalState;
    private final SolverStats stats;
    private final List<EventOccurrence> events;
    private final SolverException[] failures;
    private final DenseOutput dense;

    /**
     * @param times    per row, its output times
     * @param outputs  per row, {@code times[r].length × D} values
     * @param endTimes per row, the time it stopped (its last output time, an event's, or where it failed)
     * @param failures per row, why it stopped early, or null
     * @param dense    the recorded trajectory, or null when it was not recorded
     */
    public Solution(int rows, int dimension, double[][] times, double[][] outputs, double[] endTimes,
                    SolverState finalState, SolverStats stats, List<EventOccurrence> events,
                    SolverException[] failures, DenseOutput dense) {
        this.rows = rows;
        this.dimension = dimension;
        this.times = times;
        this.outputs = outputs;
        this.endTimes = endTimes;
        this.finalState = finalState;
        this.stats = stats;
        this.events = List.copyOf(events);
        this.failures = failures;
        this.dense = dense;
    }

    public int rows() {
        return rows;
    }

    public int dimension() {
        return dimension;
    }

    /** Output times of row {@code row}. */
    public double[] times(int row) {
        return times[row].clone();
    }

    /** Number of output times of row {@code row}. */
    public int outputCount(int row) {
        return times[row].length;
    }

    /** Component {@code j} of row {@code row} at its {@code q}-th output time. */
    public double value(int row, int q, int j) {
        return outputs[row][q * dimension + j];
    }

    /** Row {@code row}'s state at its {@code q}-th output time (a new array of D values). */
    public double[] rowState(int row, int q) {
        return Arrays.copyOfRange(outputs[row], q * dimension, (q + 1) * dimension);
    }

    /** Row {@code row}'s state at its last output time. */
    public double[] rowFinal(int row) {
        return rowState(row, times[row].length - 1);
    }

    /**
     * The whole batch at the {@code q}-th output time (shared output times), B×D row-major, written
     * into {@code out}.
     */
    public void stateInto(int q, double[] out) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(outputs[r], q * dimension, out, r * dimension, dimension);
        }
    }

    /** The whole batch at the {@code q}-th output time, as a new B×D array. */
    public double[] state(int q) {
        double[] out = new double[rows * dimension];
        stateInto(q, out);
        return out;
    }

    /** The time row {@code row} stopped at. */
    public double endTime(int row) {
        return endTimes[row];
    }

    /**
     * Row {@code row}'s state at any time inside its solved span, from the recorded interpolants.
     * Needs {@link SolveOptions#withDenseRecording()}.
     */
    public double[] at(int row, double t) {
        double[] out = new double[dimension];
        requireDense().interpolate(row, t, out, 0);
        return out;
    }

    /** The whole batch (B×D) at time {@code t}. Needs {@link SolveOptions#withDenseRecording()}. */
    public double[] at(double t) {
        DenseOutput d = requireDense();
        double[] out = new double[rows * dimension];
        for (int r = 0; r < rows; r++) {
            d.interpolate(r, t, out, r * dimension);
        }
        return out;
    }

    /** Where to resume from: the state at each row's end time with the controller's memory. */
    public SolverState finalState() {
        return finalState;
    }

    public SolverStats stats() {
        return stats;
    }

    /** Events that happened, in time order per row (shared: in time order overall). */
    public List<EventOccurrence> events() {
        return events;
    }

    /** Why row {@code row} stopped early, or null when it reached its end. */
    public SolverException failure(int row) {
        return failures[row];
    }

    /** Whether any row failed (only possible in per-row step control). */
    public boolean anyFailed() {
        for (SolverException f : failures) {
            if (f != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The recorded trajectory (the per-step interpolants, which are also the tape for
     * back-propagation through the solver). Needs {@link SolveOptions#withDenseRecording()}.
     */
    public DenseOutput recordedTrajectory() {
        return requireDense();
    }

    private DenseOutput requireDense() {
        if (dense == null) {
            throw new IllegalStateException("this solve did not record its trajectory; solve with "
                    + "SolveOptions.withDenseRecording() to evaluate it at arbitrary times");
        }
        return dense;
    }
}
