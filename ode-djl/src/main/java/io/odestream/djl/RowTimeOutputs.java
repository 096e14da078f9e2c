package io.odestream.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.odestream.ode.rk.ButcherTableau;
import java.nio.DoubleBuffer;

/**
 * Dense output at <b>per-row</b> times during one shared-step solve: row r wants its state at its
 * own sorted times {@code times[r]}. After each accepted step [t, t + h] every row whose next time
 * falls in the step is interpolated with the method's interpolant at its own
 * {@code θ_r = (t_q − t)/h}: {@code z + h Σ_i w_i(θ_r) k_i}, with the weights as a B×1 column per
 * stage (rows without a time in this step get θ = 0 and are not read). A row with several times
 * inside one step takes one round per time. Each round copies the B×D batch to the host once and
 * keeps the rows it needs; a device-side gather would save that copy on a GPU (not done).
 *
 * <p>A time equal to the step's end uses the method's b weights, i.e. the step's own end point up
 * to the order of summation, not the interpolant at θ = 1 (whose stored coefficients may differ
 * from b in the last digits).
 */
final class RowTimeOutputs {
    private final ButcherTableau tab;
    private final int rows;
    private final int d;
    private final double[][] times;
    private final int[] next;
    private final double[][] states;
    private final double[] host;
    private final double[] weights;
    private final double[][] columns;

    RowTimeOutputs(ButcherTableau tab, int rows, int d, double[][] times) {
        this.tab = tab;
        this.rows = rows;
        this.d = d;
        this.times = times;
        this.next = new int[rows];
        this.states = new double[rows][];
        for (int r = 0; r < rows; r++) {
            states[r] = new double[times[r].length * d];
        }
        this.host = new double[rows * d];
        this.weights = new double[tab.interpolantStages()];
        this.columns = new double[tab.interpolantStages()][rows];
    }

    /** [row][q·D + j]: row r's state at times[r][q]. */
    double[][] states() {
        return states;
    }

    /** Rows whose next times equal the start time take the initial state. */
    void emitAtStart(NDArray z, double t) {
        boolean any = false;
        for (int r = 0; r < rows && !any; r++) {
            any = next[r] < times[r].length && times[r][next[r]] == t;
        }
        if (!any) {
            return;
        }
        DjlMlpField.download(z, host, rows * d);
        for (int r = 0; r < rows; r++) {
            while (next[r] < times[r].length && times[r][next[r]] == t) {
                System.arraycopy(host, r * d, states[r], next[r]++ * d, d);
            }
        }
    }

    /** Whether some row has a time in the step (t, tNext] (the interpolant then needs all its stages). */
    boolean anyIn(double tNext, double hStep) {
        for (int r = 0; r < rows; r++) {
            if (next[r] < times[r].length && (times[r][next[r]] - tNext) * hStep <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Emits every row time in the accepted step from t (state z) by hStep, stages k. */
    void emitStep(NDArray z, NDArray[] k, double t, double hStep, double tNext) {
        int stagesUsed = k[k.length - 1] == null ? tab.stages() : k.length;
        double[] b = tab.b();
        while (anyIn(tNext, hStep)) {
            for (int r = 0; r < rows; r++) {
                boolean due = next[r] < times[r].length && (times[r][next[r]] - tNext) * hStep <= 0;
                if (!due) {
                    for (int i = 0; i < columns.length; i++) {
                        columns[i][r] = 0.0;
                    }
                    continue;
                }
                double tq = times[r][next[r]];
                if (tq == tNext) {
                    for (int i = 0; i < columns.length; i++) {
                        columns[i][r] = hStep * (i < b.length ? b[i] : 0.0);
                    }
                } else {
                    tab.interpolationWeights((tq - t) / hStep, weights);
                    for (int i = 0; i < columns.length; i++) {
                        columns[i][r] = hStep * weights[i];
                    }
                }
            }
            try (NDManager scope = z.getManager().newSubManager()) {
                NDArray out = z.duplicate();
                out.attach(scope);
                for (int i = 0; i < stagesUsed; i++) {
                    NDArray w = scope.create(DoubleBuffer.wrap(columns[i]), new Shape(rows, 1), DataType.FLOAT64);
                    out.addi(k[i].mul(w));
                }
                DjlMlpField.download(out, host, rows * d);
            }
            for (int r = 0; r < rows; r++) {
                if (next[r] < times[r].length && (times[r][next[r]] - tNext) * hStep <= 0) {
                    System.arraycopy(host, r * d, states[r], next[r]++ * d, d);
                }
            }
        }
    }
}
