package io.odestream.latent;

import io.odestream.ode.SolverException;
import io.odestream.ode.rk.RungeKuttaSolver;
import io.odestream.ode.rk.SolvedEnds;
import java.util.List;

/**
 * {@link LatentFilter#update} for the due observations of many series at once: the ODE-RNN
 * encoder's solves over each series' own gap run as one grouped solve of one row per series
 * ({@link RungeKuttaSolver#solveGrouped}, groups of 1: each row its own step control, as the
 * per-series solve of one row has), then one masked GRU step over all rows. Every row is computed as
 * on its own, so each next state has the bits of {@link LatentFilter#update}; a series whose solve
 * fails gets the failure and keeps its state.
 *
 * <p>Buffers grow to the largest batch and are reused. Not thread-safe: one per updater.
 */
final class BatchedEncoder {
    private final LatentFilter filter;
    private final LatentOdeModel model;
    private final RungeKuttaSolver solver;
    private final boolean encoderDynamics;
    private final int h;
    private final int inputs;

    private int capacity;
    private double[] hiddens;
    private double[] evolving;
    private double[] starts;
    private double[] gaps;
    /** Per moving row the step its series' last encoder solve ended with (0: none); after the solve, per row the one to carry. */
    private double[] firstSteps;
    private double[] encoderSteps;
    private double[] x;
    private double[] m;
    private double[] next;
    private final double[] nextRow;
    /** Update index of each row of the current solve, then of the GRU step. */
    private int[] member;

    BatchedEncoder(LatentFilter filter, RungeKuttaSolver solver) {
        this.filter = filter;
        this.model = filter.model();
        this.solver = solver;
        this.encoderDynamics = LatentOdeModel.hasEncoderDynamics(model.spec());
        this.h = model.spec().hidden();
        this.inputs = model.encoderCell().inputSize();
        this.nextRow = new double[h];
    }

    /**
     * Absorbs every update i with {@code failures[i] == null} (a failed score is not absorbed):
     * {@code next[i]}, carrying {@code scoreSteps[i]} and its encoder solve's last step, or
     * {@code failures[i]} when its encoder solve failed. The updates were checked
     * ({@link LatentFilter#checkObservation}).
     */
    void update(List<ObservationUpdate> updates, FilterState[] nextStates, SolverException[] failures,
                double[] scoreSteps) {
        int n = updates.size();
        ensureCapacity(n);
        int rows = 0;
        for (int i = 0; i < n; i++) {
            if (failures[i] == null) {
                System.arraycopy(updates.get(i).state().hiddenView(), 0, hiddens, rows * h, h);
                encoderSteps[rows] = filter.carryingStep(updates.get(i).state().encoderStep());
                member[rows++] = i;
            }
        }
        if (encoderDynamics) {
            rows = evolve(updates, rows, failures);
        }
        for (int r = 0; r < rows; r++) {
            ObservationUpdate u = updates.get(member[r]);
            filter.countMaskedNonFinite(EncoderInput.fill(model.spec(), u.eventTimeMillis() - u.state().timeMillis(),
                    u.values(), u.mask(), x, m, r * inputs));
        }
        if (rows == 0) {
            return;
        }
        model.encoderCell().forward(x, m, hiddens, next, rows);
        for (int r = 0; r < rows; r++) {
            ObservationUpdate u = updates.get(member[r]);
            System.arraycopy(next, r * h, nextRow, 0, h);
            nextStates[member[r]] = u.state().after(u.eventTimeMillis(), nextRow, u.values(), u.mask(),
                    filter.carryingStep(scoreSteps[member[r]]), encoderSteps[r]);
        }
    }

    /**
     * The encoder ODE over each row's gap (capped as {@link LatentFilter#update} caps it; rows
     * without a gap stay put), in one grouped solve; rows whose solve failed are dropped from the
     * GRU step. Returns the rows left, their hidden states evolved in place.
     */
    private int evolve(List<ObservationUpdate> updates, int rows, SolverException[] failures) {
        int moving = 0;
        for (int r = 0; r < rows; r++) {
            ObservationUpdate u = updates.get(member[r]);
            long gap = u.eventTimeMillis() - u.state().timeMillis();
            if (gap != 0) {
                System.arraycopy(hiddens, r * h, evolving, moving * h, h);
                starts[moving] = 0.0;
                gaps[moving] = ForecastLimits.encoderGapUnits(model.spec(), gap);
                firstSteps[moving] = encoderSteps[r];
                moving++;
            }
        }
        if (moving == 0) {
            return rows;
        }
        SolvedEnds s = solver.solveGroupedToEnds(model.encoderDynamics(), evolving, 1, moving, starts, gaps, firstSteps);
        int solved = 0;
        int kept = 0;
        for (int r = 0; r < rows; r++) {
            int i = member[r];
            ObservationUpdate u = updates.get(i);
            boolean moved = u.eventTimeMillis() != u.state().timeMillis();
            int row = moved ? solved++ : -1;
            if (moved && s.failure(row) != null) {
                failures[i] = s.failure(row);
                continue;
            }
            if (moved) {
                filter.countEvaluations(s.evaluations(row));
                System.arraycopy(s.finalStates(), row * h, hiddens, kept * h, h);
                encoderSteps[kept] = filter.carried(s, row);
            } else if (kept != r) {
                System.arraycopy(hiddens, r * h, hiddens, kept * h, h);
                encoderSteps[kept] = encoderSteps[r];
            }
            member[kept++] = i;
        }
        return kept;
    }

    private void ensureCapacity(int n) {
        if (n > capacity) {
            capacity = Math.max(n, 2 * capacity);
            hiddens = new double[capacity * h];
            evolving = new double[capacity * h];
            starts = new double[capacity];
            gaps = new double[capacity];
            firstSteps = new double[capacity];
            encoderSteps = new double[capacity];
            x = new double[capacity * inputs];
            m = new double[capacity * inputs];
            next = new double[capacity * h];
            member = new int[capacity];
        }
    }
}
