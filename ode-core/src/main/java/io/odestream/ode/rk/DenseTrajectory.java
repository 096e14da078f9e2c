package io.odestream.ode.rk;

import io.odestream.ode.DenseOutput;
import java.util.Arrays;

/**
 * Every accepted step's interpolant, per row: its start time, step size, start state and stage
 * derivatives. Recorded only on request (memory grows with the number of steps). It is also the
 * tape that back-propagation through the solver steps reads: every stage input can be rebuilt
 * from the start state and the stage derivatives.
 */
public final class DenseTrajectory implements DenseOutput {
    private final ButcherTableau tableau;
    private final int d;
    private final int blockSize; // D (start state) + interpolantStages × D
    private final double[][] data;
    private final double[][] starts;
    private final double[][] steps;
    private final int[] counts;
    private final double[] weights;

    DenseTrajectory(ButcherTableau tableau, int rows, int d) {
        this.tableau = tableau;
        this.d = d;
        this.blockSize = d * (1 + tableau.interpolantStages);
        this.data = new double[rows][blockSize * 8];
        this.starts = new double[rows][8];
        this.steps = new double[rows][8];
        this.counts = new int[rows];
        this.weights = new double[tableau.interpolantStages];
    }

    void record(int row, double t, double h, double[] z, double[][] k, int offset) {
        int n = counts[row];
        if (n == starts[row].length) {
            starts[row] = Arrays.copyOf(starts[row], 2 * n);
            steps[row] = Arrays.copyOf(steps[row], 2 * n);
            data[row] = Arrays.copyOf(data[row], 2 * n * blockSize);
        }
        starts[row][n] = t;
        steps[row][n] = h;
        int base = n * blockSize;
        System.arraycopy(z, offset, data[row], base, d);
        for (int i = 0; i < tableau.interpolantStages; i++) {
            System.arraycopy(k[i], offset, data[row], base + (i + 1) * d, d);
        }
        counts[row] = n + 1;
    }

    public ButcherTableau tableau() {
        return tableau;
    }

    /** Accepted steps recorded for row {@code row}. */
    public int stepCount(int row) {
        return counts[row];
    }

    public double stepStart(int row, int step) {
        return starts[row][step];
    }

    public double stepSize(int row, int step) {
        return steps[row][step];
    }

    /** Copies the state at the start of the step into {@code out[offset ..]}. */
    public void stepState(int row, int step, double[] out, int offset) {
        System.arraycopy(data[row], step * blockSize, out, offset, d);
    }

    /** Copies stage derivative {@code i} (an interpolant row) of the step into {@code out[offset ..]}. */
    public void stepStage(int row, int step, int stage, double[] out, int offset) {
        System.arraycopy(data[row], step * blockSize + (stage + 1) * d, out, offset, d);
    }

    /** Doubles held by the tape: what back-propagation through the solver costs in memory. */
    public long storedValues() {
        long n = 0;
        for (int c : counts) {
            n += (long) c * (blockSize + 2);
        }
        return n;
    }

    @Override
    public void interpolate(int row, double t, double[] out, int offset) {
        int n = counts[row];
        if (n == 0) {
            throw new IllegalArgumentException("row " + row + " took no step; nothing to interpolate at t=" + t);
        }
        double[] s = starts[row];
        double[] h = steps[row];
        double first = s[0];
        double last = s[n - 1] + h[n - 1];
        double direction = Math.signum(h[0]);
        if ((t - first) * direction < 0 || (t - last) * direction > 0) {
            throw new IllegalArgumentException("t=" + t + " is outside row " + row + "'s solved span [" + first
                    + ", " + last + "]");
        }
        int step = findStep(s, n, t, direction);
        double theta = (t - s[step]) / h[step];
        tableau.interpolationWeights(theta, weights);
        double[] block = data[row];
        int base = step * blockSize;
        double hs = h[step];
        for (int j = 0; j < d; j++) {
            out[offset + j] = block[base + j];
        }
        for (int i = 0; i < tableau.interpolantStages; i++) {
            double w = hs * weights[i];
            if (w == 0.0) {
                continue;
            }
            int kb = base + (i + 1) * d;
            for (int j = 0; j < d; j++) {
                out[offset + j] += w * block[kb + j];
            }
        }
    }

    /** The last step starting at or before t (in the direction of integration). */
    private static int findStep(double[] starts, int n, double t, double direction) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if ((starts[mid] - t) * direction <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
