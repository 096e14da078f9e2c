package io.odestream.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.odestream.ode.SolverException;
import java.nio.DoubleBuffer;

/**
 * One batched device solve for rows with <b>different time spans</b>: row r starts at its own
 * {@code t0[r]} and wants its state at its own times {@code times[r]} (all on one side of t0[r],
 * forwards or backwards, sorted away from it). For an <i>autonomous</i> field {@code dz/dt = f(z)}.
 *
 * <p><b>Design: time rescaling.</b> Row r's span is {@code T_r = last(times[r]) − t0[r]} (signed).
 * With {@code s = (t − t0[r]) / T_r} every row runs on s ∈ [0, 1] under
 * {@code dz/ds = T_r · f(z)}, so one shared step control (one s and one step size for the batch,
 * the error norm over all rows) integrates all of them together; row r's outputs are at the
 * fractions {@code (t_q − t0[r]) / T_r}, read from the method's interpolant at per-row θ
 * ({@link DjlRungeKutta#solveToRowTimes}). A row's last output is s = 1 exactly (the step's end
 * point), a row with span 0 (every time equal to t0) has zero derivative and outputs z0.
 * Why this and not per-row step control: tensors want one step for the whole batch, and the
 * rescaled error estimate of a step h_s is the t-scale estimate of the step T_r·h_s, so rtol/atol
 * keep their meaning. The alternatives were worse: a solve to the sorted union of all rows'
 * fractions makes B·Q output tensors of B×D; per-row step control needs masking on the device.
 * The cost: the step sequence is set by the hardest row (stiffest dynamics relative to its span),
 * and it differs from a per-row solve's, so results agree with ode-core's per-row solves within
 * the solver tolerance, not to round-off. For independent rows give the solver's control the
 * {@link WorstRowRmsNorm}: the batch RMS lets the hardest row miss the tolerance by up to √B.
 *
 * <p>Autonomous only: the field is called with s, not t, so a time-dependent field would see the
 * wrong time; {@link DjlMlpField}s that are time-dependent are refused.
 */
public final class DjlRowSpanSolver {
    private final DjlRungeKutta solver;

    public DjlRowSpanSolver(DjlRungeKutta solver) {
        if (solver == null) {
            throw new IllegalArgumentException("solver is null; pass a DjlRungeKutta with the method and tolerances");
        }
        this.solver = solver;
    }

    public DjlRungeKutta solver() {
        return solver;
    }

    /**
     * Host arrays in and out: z0 is rows×D row-major, copied to {@code device}.
     *
     * @return [row][q·D + j]: row r's state at times[r][q]
     */
    public RowTimeSolution solve(TensorVectorField autonomousField, DjlDevice device, double[] z0, int rows,
                                 double[] t0, double[][] times) {
        requireAutonomous(autonomousField);
        int d = autonomousField.dimension();
        if (rows < 1 || z0 == null || z0.length != rows * d) {
            throw new IllegalArgumentException("z0 must hold rows × D = " + rows + " × " + d + " values, has "
                    + (z0 == null ? "none (null)" : z0.length) + " (rows must be >= 1)");
        }
        try (NDManager scope = device.newManager()) {
            return solve(autonomousField, DjlMlpField.upload(scope, z0, rows, d), t0, times);
        }
    }

    /**
     * z0 is a B×D float64 array (left untouched); row r starts at t0[r] and is reported at
     * times[r] (sorted away from t0[r], all on one side of it; may be empty).
     *
     * @throws SolverException when the batched solve fails (it fails for the whole batch)
     */
    public RowTimeSolution solve(TensorVectorField autonomousField, NDArray z0, double[] t0, double[][] times) {
        requireAutonomous(autonomousField);
        int rows = Math.toIntExact(z0.getShape().get(0));
        if (t0 == null || t0.length != rows || times == null || times.length != rows) {
            throw new IllegalArgumentException("t0 and times need one entry per row of z0 (" + rows + "), have "
                    + (t0 == null ? "null" : t0.length) + " and " + (times == null ? "null" : times.length));
        }
        double[] spans = new double[rows];
        double[][] fractions = new double[rows][];
        for (int r = 0; r < rows; r++) {
            double[] tr = times[r];
            if (tr == null) {
                throw new IllegalArgumentException("times[" + r + "] is null; use an empty array for no outputs");
            }
            if (!Double.isFinite(t0[r])) {
                throw new IllegalArgumentException("t0[" + r + "] is not finite (" + t0[r] + ")");
            }
            double span = tr.length == 0 ? 0.0 : tr[tr.length - 1] - t0[r];
            spans[r] = span;
            fractions[r] = new double[tr.length];
            double previous = 0.0;
            for (int q = 0; q < tr.length; q++) {
                double f = span == 0.0 ? (tr[q] == t0[r] ? 0.0 : Double.NaN) : (tr[q] - t0[r]) / span;
                if (!(f >= previous && f <= 1.0)) {
                    throw new IllegalArgumentException("times[" + r + "][" + q + "] = " + tr[q] + " is not finite, "
                            + "or not sorted away from t0[" + r + "] = " + t0[r] + " on one side of it (last time "
                            + tr[tr.length - 1] + "); split a row with times on both sides into two rows");
                }
                fractions[r][q] = f;
                previous = f;
            }
        }
        boolean allZero = true;
        for (double span : spans) {
            allZero &= span == 0.0;
        }
        if (allZero) {
            // nothing moves: a solve would only spend evaluations growing its first step from 1e-6
            return solver.solveToRowTimes(new SpanScaledField(autonomousField, null), z0, 0.0, 0.0, fractions);
        }
        NDManager caller = z0.getManager();
        try (NDManager scope = caller.newSubManager()) {
            NDArray spanColumn = scope.create(DoubleBuffer.wrap(spans), new Shape(rows, 1), DataType.FLOAT64);
            TensorVectorField scaled = new SpanScaledField(autonomousField, spanColumn);
            return solver.solveToRowTimes(scaled, z0, 0.0, 1.0, fractions);
        }
    }

    private static void requireAutonomous(TensorVectorField f) {
        if (f == null) {
            throw new IllegalArgumentException("vector field is null");
        }
        if (f instanceof DjlMlpField m && m.timeDependent()) {
            throw new IllegalArgumentException("per-row spans rescale time, so they need an autonomous field; this "
                    + "DjlMlpField is time-dependent: solve rows with a common start time with DjlRungeKutta.solve");
        }
    }

    /** {@code dz/ds = T_r · f(z)}: the field times a B×1 column of spans. */
    private record SpanScaledField(TensorVectorField field, NDArray spans) implements TensorVectorField {
        @Override
        public int dimension() {
            return field.dimension();
        }

        @Override
        public NDArray evaluate(double s, NDArray z) {
            NDArray f = field.evaluate(s, z);
            NDArray scaled = f.mul(spans);
            f.close();
            return scaled;
        }
    }
}
