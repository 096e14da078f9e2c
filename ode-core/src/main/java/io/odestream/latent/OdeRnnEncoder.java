package io.odestream.latent;

import io.odestream.nn.GruCell;
import io.odestream.ode.Solution;
import io.odestream.ode.VectorField;
import io.odestream.ode.rk.RungeKuttaSolver;

/**
 * The ODE-RNN (Rubanova et al. 2019): between observations the hidden state evolves by a neural
 * ODE, at an observation a GRU cell updates it. Run forward in time it is causal — the encoder a
 * stream needs. Sequences are processed together, one observation index at a time: every row
 * evolves over its own gap in one per-row solve (rows with different Δt, batched evaluations),
 * then the GRU updates all rows at once.
 */
public final class OdeRnnEncoder {
    private final VectorField dynamics;
    private final GruCell cell;
    private final RungeKuttaSolver solver;
    private long rowEvaluations;
    private long evaluations;

    public OdeRnnEncoder(VectorField dynamics, GruCell cell, RungeKuttaSolver solver) {
        if (dynamics.dimension() != cell.hiddenSize()) {
            throw new IllegalArgumentException("the hidden dynamics have D = " + dynamics.dimension()
                    + " but the GRU's hidden size is " + cell.hiddenSize());
        }
        this.dynamics = dynamics;
        this.cell = cell;
        this.solver = solver;
    }

    /**
     * Encodes {@code rows} sequences of equal length n from the hidden state {@code h0}
     * (rows×H): for k = 0..n−1, evolve each row by {@code gaps[r][k]} (model time), then update it
     * with observation {@code x[r][k]} (I values; with {@code masks}, 1 = observed). Returns the
     * final hidden states, rows×H.
     */
    public double[] encode(double[] h0, double[][] gaps, double[][][] x, double[][][] masks, int rows) {
        int hidden = cell.hiddenSize();
        int inputs = cell.inputSize();
        int n = gaps[0].length;
        double[] h = h0.clone();
        double[] next = new double[rows * hidden];
        double[] t1 = new double[rows];
        double[] xk = new double[rows * inputs];
        double[] mk = masks == null ? null : new double[rows * inputs];
        for (int k = 0; k < n; k++) {
            for (int r = 0; r < rows; r++) {
                t1[r] = gaps[r][k];
                System.arraycopy(x[r][k], 0, xk, r * inputs, inputs);
                if (mk != null) {
                    System.arraycopy(masks[r][k], 0, mk, r * inputs, inputs);
                }
            }
            evolve(h, t1, h, rows);
            jump(xk, mk, h, next, rows);
            double[] swap = h;
            h = next;
            next = swap;
        }
        return h;
    }

    /**
     * The ODE half of one step: evolves each of {@code rows} hidden states ({@code h}, rows×H)
     * over its own gap {@code gaps[r]} (model time) in one per-row solve and writes them to
     * {@code out} (may be {@code h}). Returns the solve, which a caller that differentiates the
     * segment hands to the adjoint (start times 0).
     *
     * @throws io.odestream.ode.SolverException if a row's solve fails
     */
    public Solution evolve(double[] h, double[] gaps, double[] out, int rows) {
        int hidden = cell.hiddenSize();
        Solution s = solver.solvePerRow(dynamics, h, rows, new double[rows], gaps);
        for (int r = 0; r < rows; r++) {
            if (s.failure(r) != null) {
                throw s.failure(r);
            }
            System.arraycopy(s.rowFinal(r), 0, out, r * hidden, hidden);
        }
        evaluations += s.stats().evaluations();
        rowEvaluations += s.stats().rowEvaluations();
        return s;
    }

    /**
     * The GRU half of one step: {@code out = cell(x, h)} for {@code rows} observations
     * ({@code x}, rows×I); with {@code masks} (rows×I, 1 = observed) the masked update.
     */
    public void jump(double[] x, double[] masks, double[] h, double[] out, int rows) {
        if (masks == null) {
            cell.forward(x, h, out, rows);
        } else {
            cell.forward(x, masks, h, out, rows);
        }
    }

    /** Vector-field calls (batched) so far. */
    public long evaluations() {
        return evaluations;
    }

    /** Single-row evaluations so far: the work, comparable with per-sequence solves. */
    public long rowEvaluations() {
        return rowEvaluations;
    }
}
