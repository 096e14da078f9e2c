package io.odestream.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.odestream.ode.Solution;
import io.odestream.ode.SolverException;
import io.odestream.ode.SolverState;
import io.odestream.ode.SolverStats;
import io.odestream.ode.control.AdaptiveStep;
import io.odestream.ode.control.ErrorNorm;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.StepPolicy;
import java.util.Arrays;
import java.util.List;

/**
 * Batched explicit Runge–Kutta solves on DJL NDArrays with <b>shared</b> step control (one time
 * and step size for the batch, the error norm over all B×D entries: torchdiffeq's way), for
 * large-batch forecasting on a CPU or a GPU.
 *
 * <p>It runs ode-core's methods and control, not look-alikes: the coefficients come from the same
 * {@link ButcherTableau} objects and every step-size decision from ode-core's {@link StepPolicy},
 * the one {@code RungeKuttaEngine} takes them from: Hairer's initial step (one extra evaluation),
 * DOPRI5's stretch to the end within 1 %, the fixed grid {@code t0 + k·h} with the last point moved
 * to the end, retries on a non-finite error, max-steps and min-step guards (thrown as
 * {@link SolverException}, as in shared control there). This class keeps the tensor algebra: stages,
 * FSAL reuse, the end derivative of non-FSAL methods evaluated only when the interpolant needs it,
 * and the error norm. So evaluation and step counts equal the {@code java} backend's, and states
 * agree to round-off.
 * Outputs at any sorted times come from the method's own interpolant (dense output).
 *
 * <p>Every tensor a step creates lives in a sub-manager closed at the end of the step; only the
 * state, the first stage and the outputs outlive it. Not thread-safe per field (see the field).
 *
 * <p>Outputs may also be asked per row ({@link #solveToRowTimes}: row r at its own times, by the
 * interpolant at per-row θ), which is what {@link DjlRowSpanSolver}'s per-row spans build on. The
 * error norm may be {@link WorstRowRmsNorm} (evaluated on the device) for independent rows.
 *
 * <p>Not here yet: per-row step control, events, dense recording, resuming from a
 * {@link SolverState} (see the notes).
 */
public final class DjlRungeKutta {
    private final ButcherTableau tab;
    private final StepControl control;
    /** The adaptive configuration (tolerances and norm of the error estimate), or null for a fixed grid. */
    private final AdaptiveStep adaptive;
    private final int stages;
    private final double[][] a;
    private final double[] b;
    private final double[] c;
    private final double[] errorWeights;
    private final boolean rmsNorm;
    private final boolean worstRowRms;

    public DjlRungeKutta(ButcherTableau method, StepControl control) {
        this.adaptive = new StepPolicy(method, control).adaptive(); // also checks the pair
        this.tab = method;
        this.control = control;
        this.stages = method.stages();
        this.a = new double[stages][];
        for (int i = 0; i < stages; i++) {
            a[i] = new double[i];
            for (int j = 0; j < i; j++) {
                a[i][j] = method.a(i, j);
            }
        }
        this.b = method.b();
        this.c = method.c();
        this.errorWeights = adaptive == null ? null : method.errorWeights();
        this.rmsNorm = adaptive != null && adaptive.norm() == ErrorNorm.rms();
        this.worstRowRms = adaptive != null && adaptive.norm() instanceof WorstRowRmsNorm;
    }

    public ButcherTableau method() {
        return tab;
    }

    // ------------------------------------------------------------------ host arrays in and out

    /** As {@link #solve(TensorVectorField, DjlDevice, double[], int, double, double[])} on the field's own device. */
    public Solution solve(DjlMlpField f, double[] z0, int rows, double t0, double[] outputTimes) {
        return solve(f, f.device(), z0, rows, t0, outputTimes);
    }

    /**
     * Solves from {@code t0} through the sorted {@code outputTimes} for the B×D batch {@code z0}
     * (row-major), copying it to {@code device} and the outputs back: a drop-in for ode-core's
     * {@code RungeKuttaSolver.solve} (shared control), with the same {@link Solution} shape.
     */
    public Solution solve(TensorVectorField f, DjlDevice device, double[] z0, int rows, double t0,
                          double[] outputTimes) {
        checkBatch(f, z0, rows);
        checkTimes(t0, outputTimes);
        int d = f.dimension();
        try (NDManager scope = device.newManager()) {
            NDArray z = DjlMlpField.upload(scope, z0, rows, d);
            TensorSolution s = solve(f, z, t0, outputTimes);
            double[][] outputs = new double[rows][outputTimes.length * d];
            double[] batch = new double[rows * d];
            for (int q = 0; q < outputTimes.length; q++) {
                DjlMlpField.download(s.outputs()[q], batch, rows * d);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(batch, r * d, outputs[r], q * d, d);
                }
            }
            double[][] times = new double[rows][];
            Arrays.fill(times, outputTimes.clone());
            double tEnd = outputTimes[outputTimes.length - 1];
            double[] endTimes = filled(rows, tEnd);
            SolverState state = new SolverState(rows, d, endTimes, batch, filled(rows, s.nextStep()),
                    filled(rows, s.previousRatio()));
            return new Solution(rows, d, times, outputs, endTimes, state, s.stats(), List.of(),
                    new SolverException[rows], null);
        }
    }

    // ------------------------------------------------------------------ tensors

    /**
     * Solves the batch {@code z0} (B×D float64, left untouched) from {@code t0} through the sorted
     * {@code outputTimes}; the outputs are attached to {@code z0}'s manager.
     *
     * @throws SolverException on step-size underflow, too many steps or a non-finite state
     */
    public TensorSolution solve(TensorVectorField f, NDArray z0, double t0, double[] outputTimes) {
        checkTimes(t0, outputTimes);
        Shape shape = z0.getShape();
        if (shape.dimension() != 2 || shape.get(1) != f.dimension() || z0.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException("z0 must be a B×" + f.dimension() + " float64 array, got " + shape + " "
                    + z0.getDataType());
        }
        return new Run(f, z0, t0, outputTimes, null).run();
    }

    /**
     * Solves the batch {@code z0} (B×D float64, left untouched) from {@code t0} to {@code tEnd} with
     * shared step control and returns each row's state at its <b>own</b> times: {@code rowTimes[r]}
     * sorted from t0 towards tEnd, inside [t0, tEnd] (closed), possibly empty. They come from the
     * method's interpolant inside the steps (see {@link RowTimeOutputs}), so they do not change the
     * step sequence: the steps are those of a solve to {@code tEnd} alone.
     *
     * @return [row][q·D + j], row r's state at rowTimes[r][q], and the solve's statistics
     * @throws SolverException on step-size underflow, too many steps or a non-finite state
     */
    public RowTimeSolution solveToRowTimes(TensorVectorField f, NDArray z0, double t0, double tEnd,
                                           double[][] rowTimes) {
        checkTimes(t0, new double[] {tEnd});
        Shape shape = z0.getShape();
        if (shape.dimension() != 2 || shape.get(1) != f.dimension() || z0.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException("z0 must be a B×" + f.dimension() + " float64 array, got " + shape + " "
                    + z0.getDataType());
        }
        int rows = Math.toIntExact(shape.get(0));
        checkRowTimes(t0, tEnd, rowTimes, rows);
        RowTimeOutputs collector = new RowTimeOutputs(tab, rows, f.dimension(), rowTimes);
        TensorSolution s = new Run(f, z0, t0, new double[] {tEnd}, collector).run();
        for (NDArray out : s.outputs()) {
            out.close(); // the end state itself is not asked for; the rows' own times are
        }
        return new RowTimeSolution(collector.states(), s.stats());
    }

    /** One solve's state: the step policy for a single batch-wide row (position 0) and the tensors. */
    private final class Run {
        private final TensorVectorField f;
        private final NDManager caller;
        private final double[] times;
        private final NDArray[] outputs;
        private final int rows;
        private final int d;
        private final double tEnd;
        private final double tStart;
        private final StepPolicy policy;
        private double t;
        private int nextOutput;
        private long evaluations;
        private int accepted;
        private int rejected;
        private NDArray z;
        private NDArray k0;
        private NDArray atol; // per-component tolerances as a row to broadcast, or null for a scalar
        private final RowTimeOutputs rowOutputs; // per-row output times, or null

        Run(TensorVectorField f, NDArray z0, double t0, double[] outputTimes, RowTimeOutputs rowOutputs) {
            this.rowOutputs = rowOutputs;
            this.f = f;
            this.caller = z0.getManager();
            this.times = outputTimes.clone();
            this.outputs = new NDArray[times.length];
            this.rows = Math.toIntExact(z0.getShape().get(0));
            this.d = f.dimension();
            this.t = t0;
            this.tStart = t0;
            this.tEnd = times[times.length - 1];
            this.z = z0;
            this.policy = new StepPolicy(tab, control);
            policy.ensureRows(1);
            policy.start(0);
        }

        TensorSolution run() {
            try (NDManager solve = caller.newSubManager()) {
                z = z.duplicate();
                z.attach(solve);
                if (adaptive != null) {
                    adaptive.tolerances().checkDimension(d);
                    if (adaptive.tolerances().isPerComponent()) {
                        double[] v = new double[d];
                        for (int j = 0; j < d; j++) {
                            v[j] = adaptive.tolerances().atol(j);
                        }
                        atol = solve.create(v, new Shape(1, d));
                    }
                }
                emitOutputsAtStart();
                if (t != tEnd) {
                    k0 = evaluate(t, z);
                    if (policy.initialise(0, t, tEnd)) {
                        hairerInitialStep();
                    }
                    while (t != tEnd) {
                        attemptStep(solve);
                    }
                }
            }
            int[] evals = new int[rows];
            Arrays.fill(evals, (int) Math.min(Integer.MAX_VALUE, evaluations));
            SolverStats stats = new SolverStats(evaluations, evals, filledInt(rows, accepted),
                    filledInt(rows, rejected), true);
            double nextStep = adaptive == null ? Math.copySign(policy.fixedStepSize(), tEnd - tStart)
                    : policy.nextStep(0);
            return new TensorSolution(times.clone(), outputs, stats, nextStep, policy.previousRatio(0));
        }

        private void emitOutputsAtStart() {
            if (rowOutputs != null) {
                rowOutputs.emitAtStart(z, t);
            }
            while (nextOutput < times.length && times[nextOutput] == t) {
                outputs[nextOutput++] = keep(z);
            }
        }

        /** The norms of Hairer's initial-step heuristic, as RungeKuttaEngine computes them (one evaluation). */
        private void hairerInitialStep() {
            double rtol = adaptive.tolerances().rtol();
            try (NDManager scope = z.getManager().newSubManager()) {
                scope.tempAttachAll(z, k0);
                NDArray denominator = addAtol(z.abs().mul(rtol));
                double d0 = norm(z.div(denominator));
                double d1 = norm(k0.div(denominator));
                double hSigned = policy.initialTrialStep(0, d0, d1, t, tEnd);
                NDArray y = z.add(k0.mul(hSigned));
                NDArray f1 = evaluate(t + hSigned, y);
                double d2 = norm(f1.sub(k0).div(denominator));
                if (!policy.chooseInitialStep(0, d1, d2, t, tEnd)) {
                    throw policy.failure(0, t, 0);
                }
            }
        }

        private void attemptStep(NDManager solve) {
            if (!policy.propose(0, t, tEnd)) {
                throw policy.failure(0, t, 0);
            }
            double tNext = policy.stepEnd(0);
            double hStep = policy.step(0);
            NDArray newZ = null;
            NDArray newK0 = null;
            try (NDManager step = solve.newSubManager()) {
                step.tempAttachAll(z, k0);
                NDArray[] k = new NDArray[tab.interpolantStages()];
                k[0] = k0;
                NDArray y1 = null;
                for (int s = 1; s < stages; s++) {
                    NDArray target = combine(k, a[s], s, hStep);
                    k[s] = evaluate(t + c[s] * hStep, target);
                    if (tab.isFsal() && s == stages - 1) {
                        y1 = target;
                    }
                }
                if (!tab.isFsal()) {
                    y1 = combine(k, b, stages, hStep);
                }
                if (!acceptable(k, y1, hStep)) {
                    return;
                }
                NDArray kLast = k[stages - 1];
                if (tab.interpolantNeedsEndDerivative()) {
                    boolean needEnd = tNext != tEnd || hasOutputInside(tNext)
                            || (rowOutputs != null && rowOutputs.anyIn(tNext, hStep));
                    kLast = needEnd ? evaluate(tNext, y1) : null;
                    k[stages] = kLast;
                }
                emitOutputs(k, y1, hStep, tNext);
                if (rowOutputs != null) {
                    rowOutputs.emitStep(z, k, t, hStep, tNext);
                }
                y1.attach(solve);
                newZ = y1;
                if (kLast != null) {
                    kLast.attach(solve);
                    newK0 = kLast;
                }
            }
            // z and k0 went back to the solve scope when the step scope closed; replace them.
            z.close();
            k0.close();
            z = newZ;
            k0 = newK0;
            t = tNext;
            policy.advanced(0);
            accepted++;
        }

        /** Whether the policy accepts the step, from the error ratio (adaptive) or the end state's finiteness (fixed). */
        private boolean acceptable(NDArray[] k, NDArray y1, double hStep) {
            StepPolicy.Verdict verdict = adaptive != null
                    ? policy.judge(0, errorRatio(k, y1, hStep))
                    : policy.judgeFixed(0, allFinite(y1));
            if (verdict == StepPolicy.Verdict.FAILED) {
                throw policy.failure(0, t, 0);
            }
            if (verdict == StepPolicy.Verdict.REJECTED) {
                rejected++;
                return false;
            }
            return true;
        }

        /** {@code norm(h Σ e_i k_i / (atol + rtol·max(|z|, |y1|)))}, the error ratio of the step. */
        private double errorRatio(NDArray[] k, NDArray y1, double hStep) {
            NDArray sum = null;
            for (int i = 0; i < stages; i++) {
                double w = errorWeights[i];
                if (w == 0.0) {
                    continue;
                }
                NDArray term = k[i].mul(w);
                sum = sum == null ? term : sum.addi(term);
            }
            NDArray denominator = addAtol(z.abs().maximum(y1.abs()).mul(adaptive.tolerances().rtol()));
            return norm(sum.mul(hStep).div(denominator));
        }

        private NDArray addAtol(NDArray scaledMagnitude) {
            return atol == null ? scaledMagnitude.add(adaptive.tolerances().atol(0)) : scaledMagnitude.add(atol);
        }

        /** The step control's norm over the whole batch: RMS and worst-row RMS on the device, others on the host. */
        private double norm(NDArray scaled) {
            if (rmsNorm) {
                return Math.sqrt(scaled.square().mean().getDouble());
            }
            if (worstRowRms) {
                return Math.sqrt(scaled.square().mean(new int[] {1}).max().getDouble());
            }
            double[] host = scaled.toDoubleArray();
            return adaptive.norm().of(host, 0, rows, d);
        }

        /** {@code z + h Σ_{i<count} coefficients[i] k_i}, summed in the engine's order. */
        private NDArray combine(NDArray[] k, double[] coefficients, int count, double hStep) {
            NDArray target = null;
            for (int i = 0; i < count; i++) {
                double w = hStep * coefficients[i];
                if (w == 0.0) {
                    continue;
                }
                NDArray term = k[i].mul(w);
                target = target == null ? z.add(term) : target.addi(term);
            }
            return target == null ? z.duplicate() : target;
        }

        private boolean hasOutputInside(double tNext) {
            return nextOutput < times.length && (times[nextOutput] - tNext) * (tNext - t) < 0;
        }

        private void emitOutputs(NDArray[] k, NDArray y1, double hStep, double tNext) {
            while (nextOutput < times.length && (times[nextOutput] - tNext) * hStep <= 0) {
                double tq = times[nextOutput];
                outputs[nextOutput++] = tq == tNext ? keep(y1) : keep(interpolate(k, hStep, (tq - t) / hStep));
            }
        }

        /** {@code z + h Σ_i w_i(θ) k_i} with the method's interpolant weights. */
        private NDArray interpolate(NDArray[] k, double hStep, double theta) {
            double[] w = new double[tab.interpolantStages()];
            tab.interpolationWeights(theta, w);
            NDArray out = null;
            for (int i = 0; i < w.length; i++) {
                double wi = hStep * w[i];
                if (wi == 0.0) {
                    continue;
                }
                NDArray term = k[i].mul(wi);
                out = out == null ? z.add(term) : out.addi(term);
            }
            return out == null ? z.duplicate() : out;
        }

        /** A copy of {@code x} owned by the caller's manager. */
        private NDArray keep(NDArray x) {
            NDArray copy = x.duplicate();
            copy.attach(caller);
            return copy;
        }

        private NDArray evaluate(double time, NDArray state) {
            evaluations++;
            return f.evaluate(time, state);
        }
    }

    private static boolean allFinite(NDArray x) {
        return !x.isNaN().logicalOr(x.isInfinite()).any().getBoolean();
    }

    private static void checkBatch(TensorVectorField f, double[] z0, int rows) {
        if (f == null) {
            throw new IllegalArgumentException("vector field f is null");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        int d = f.dimension();
        if (z0 == null || z0.length != rows * d) {
            throw new IllegalArgumentException("z0 must hold rows × D = " + rows + " × " + d + " = " + rows * d
                    + " values, has " + (z0 == null ? "none (null)" : z0.length)
                    + "; check that D matches the vector field's dimension");
        }
        for (int i = 0; i < z0.length; i++) {
            if (!Double.isFinite(z0[i])) {
                throw new IllegalArgumentException("z0 is not finite at row " + i / d + ", component " + i % d
                        + " (" + z0[i] + "); mask or replace missing values before solving");
            }
        }
    }

    /** Times must be finite, on one side of t0 and sorted in the direction of integration. */
    private static void checkTimes(double t0, double[] times) {
        if (!Double.isFinite(t0)) {
            throw new IllegalArgumentException("start time t0 must be finite, got " + t0);
        }
        if (times == null || times.length == 0) {
            throw new IllegalArgumentException("outputTimes must contain at least one time");
        }
        double direction = Math.signum(times[times.length - 1] - t0);
        double previous = t0;
        for (int i = 0; i < times.length; i++) {
            double ti = times[i];
            if (!Double.isFinite(ti)) {
                throw new IllegalArgumentException("outputTimes[" + i + "] is not finite (" + ti + ")");
            }
            if ((ti - previous) * direction < 0 || (direction == 0 && ti != t0)) {
                throw new IllegalArgumentException("outputTimes must be sorted in the direction of integration from "
                        + "t0=" + t0 + " to " + times[times.length - 1] + ", but outputTimes[" + i + "] = " + ti
                        + " comes after " + previous);
            }
            previous = ti;
        }
    }

    /** Each row's times: finite, sorted from t0 towards tEnd and inside [t0, tEnd]. */
    private static void checkRowTimes(double t0, double tEnd, double[][] rowTimes, int rows) {
        if (rowTimes == null || rowTimes.length != rows) {
            throw new IllegalArgumentException("rowTimes must have one array per row of z0 (" + rows + "), has "
                    + (rowTimes == null ? "none (null)" : rowTimes.length));
        }
        double direction = Math.signum(tEnd - t0);
        for (int r = 0; r < rows; r++) {
            if (rowTimes[r] == null) {
                throw new IllegalArgumentException("rowTimes[" + r + "] is null; use an empty array for a row "
                        + "without output times");
            }
            double previous = t0;
            for (int q = 0; q < rowTimes[r].length; q++) {
                double tq = rowTimes[r][q];
                if (!Double.isFinite(tq) || (tq - previous) * direction < 0 || (tq - tEnd) * direction > 0
                        || (direction == 0 && tq != t0)) {
                    throw new IllegalArgumentException("rowTimes[" + r + "][" + q + "] = " + tq + " is not finite, "
                            + "out of order or outside [" + t0 + ", " + tEnd + "]; each row's times must be sorted "
                            + "from t0 towards tEnd and lie between them");
                }
                previous = tq;
            }
        }
    }

    private static double[] filled(int n, double v) {
        double[] out = new double[n];
        Arrays.fill(out, v);
        return out;
    }

    private static int[] filledInt(int n, int v) {
        int[] out = new int[n];
        Arrays.fill(out, v);
        return out;
    }
}
