package io.odestream.ode;

/**
 * What a solve cost. {@code evaluations} counts calls of the vector field (each on a batch);
 * per-row counts say how many of those calls, accepted and rejected steps each row took part in.
 * In shared step control every row has the batch's counts; in per-row step control the totals
 * of accepted and rejected steps are sums over rows.
 */
public final class SolverStats {
    private final long evaluations;
    private final int[] rowEvaluations;
    private final int[] rowAccepted;
    private final int[] rowRejected;
    private final boolean shared;

    public SolverStats(long evaluations, int[] rowEvaluations, int[] rowAccepted, int[] rowRejected, boolean shared) {
        this.evaluations = evaluations;
        this.rowEvaluations = rowEvaluations.clone();
        this.rowAccepted = rowAccepted.clone();
        this.rowRejected = rowRejected.clone();
        this.shared = shared;
    }

    /** Calls of the vector field (NFE), each on the rows still running. */
    public long evaluations() {
        return evaluations;
    }

    /** Σ over calls of the rows evaluated: the work done, in single-row evaluations. */
    public long rowEvaluations() {
        long sum = 0;
        for (int v : rowEvaluations) {
            sum += v;
        }
        return sum;
    }

    public int evaluations(int row) {
        return rowEvaluations[row];
    }

    public int accepted(int row) {
        return rowAccepted[row];
    }

    public int rejected(int row) {
        return rowRejected[row];
    }

    /** Accepted steps: the batch's in shared step control, the sum over rows in per-row control. */
    public long acceptedSteps() {
        return shared ? (rowAccepted.length == 0 ? 0 : rowAccepted[0]) : sum(rowAccepted);
    }

    /** Rejected steps, counted like {@link #acceptedSteps()}. */
    public long rejectedSteps() {
        return shared ? (rowRejected.length == 0 ? 0 : rowRejected[0]) : sum(rowRejected);
    }

    private static long sum(int[] v) {
        long s = 0;
        for (int x : v) {
            s += x;
        }
        return s;
    }

    @Override
    public String toString() {
        return "NFE " + evaluations + ", accepted " + acceptedSteps() + ", rejected " + rejectedSteps()
                + (shared ? "" : " (summed over " + rowAccepted.length + " rows)");
    }
}
