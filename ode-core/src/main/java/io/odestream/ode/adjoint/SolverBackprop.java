package io.odestream.ode.adjoint;

import io.odestream.ode.DenseOutput;
import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolverStats;
import io.odestream.ode.rk.ButcherTableau;
import io.odestream.ode.rk.DenseTrajectory;
import java.util.Arrays;

/**
 * Gradients by back-propagation through the solver's steps (discretise-then-optimise): reverse-mode
 * differentiation of exactly the arithmetic the forward solve did, read from its recorded
 * trajectory. The result is the exact gradient of the computed solution (step sizes are treated as
 * constants, as every implementation does), which makes it the reference the adjoint is checked
 * against — and the O(steps)-memory baseline it is measured against.
 *
 * <p>For one step {@code y₁ = y₀ + hΣ b_i k_i}, {@code k_i = f(t₀ + c_i h, Y_i)},
 * {@code Y_i = y₀ + hΣ_{j<i} a_ij k_j}, given ȳ₁: {@code k̄_i += h b_i ȳ₁}, then for i from the
 * last stage down: {@code Ȳ_i = (∂f/∂z)ᵀ k̄_i}, {@code ȳ₀ += Ȳ_i}, {@code k̄_j += h a_ij Ȳ_i};
 * θ̄ collects every stage's {@code (∂f/∂θ)ᵀ k̄_i}. Outputs inside a step add through the interpolant.
 * Rows are processed together by step counted from their end, so per-row solves (each row its own
 * steps) are batched too.
 */
public final class SolverBackprop {

    private SolverBackprop() {
    }

    /**
     * @param forward    a solve made with {@code SolveOptions.withDenseRecording()} (the tape)
     * @param cotangents dL/dz at every output, {@code cotangents[r][q*D + j]}
     */
    public static Gradients gradients(DifferentiableVectorField f, Solution forward, double[][] cotangents) {
        DenseTrajectory tape = tapeOf(forward);
        ButcherTableau tab = tape.tableau();
        int rows = forward.rows();
        int d = f.dimension();
        int p = f.parameterCount();
        int stages = tab.stages();
        int interp = tab.interpolantStages();
        checkCotangents(forward, cotangents, d);

        double[] ybar = new double[rows * d];
        double[] thetaBar = new double[p];
        int[] nextOutput = new int[rows];
        int longest = 0;
        for (int r = 0; r < rows; r++) {
            nextOutput[r] = forward.outputCount(r) - 1;
            longest = Math.max(longest, tape.stepCount(r));
            if (forward.endTime(r) != forward.times(r)[forward.outputCount(r) - 1]) {
                throw new IllegalArgumentException("row " + r + " stopped early (terminal event or failure); "
                        + "back-propagation through a stopped solve is not supported");
            }
        }

        // Gathered per-iteration buffers: position m holds the m-th row that still has steps.
        int[] rowAt = new int[rows];
        double[] h = new double[rows];
        double[] tStart = new double[rows];
        double[] times = new double[rows];
        double[] y0 = new double[rows * d];
        double[] ybarStep = new double[rows * d];
        double[] direct = new double[rows * d];
        double[] stageInput = new double[rows * d];
        double[] az = new double[rows * d];
        double[][] k = new double[interp][rows * d];
        double[][] kbar = new double[interp][rows * d];
        double[] weights = new double[interp];
        long vjpCalls = 0;
        int[] vjpRows = new int[rows];

        for (int back = 0; back < longest; back++) {
            int m = 0;
            for (int r = 0; r < rows; r++) {
                int step = tape.stepCount(r) - 1 - back;
                if (step < 0) {
                    continue;
                }
                rowAt[m] = r;
                h[m] = tape.stepSize(r, step);
                tStart[m] = tape.stepStart(r, step);
                tape.stepState(r, step, y0, m * d);
                for (int i = 0; i < interp; i++) {
                    tape.stepStage(r, step, i, k[i], m * d);
                    Arrays.fill(kbar[i], m * d, (m + 1) * d, 0.0);
                }
                System.arraycopy(ybar, r * d, ybarStep, m * d, d);
                Arrays.fill(direct, m * d, (m + 1) * d, 0.0);
                m++;
            }
            // Outputs that this step produced: at its end (y₁ itself) or inside it (the interpolant).
            for (int pos = 0; pos < m; pos++) {
                int r = rowAt[pos];
                double[] outTimes = forward.times(r);
                while (nextOutput[r] >= 0 && (outTimes[nextOutput[r]] - tStart[pos]) * h[pos] > 0) {
                    int q = nextOutput[r];
                    double theta = (outTimes[q] - tStart[pos]) / h[pos];
                    if (theta >= 1 - 1e-12) {
                        axpy(1.0, cotangents[r], q * d, ybarStep, pos * d, d);
                    } else {
                        tab.interpolationWeights(theta, weights);
                        axpy(1.0, cotangents[r], q * d, direct, pos * d, d);
                        for (int i = 0; i < interp; i++) {
                            axpy(h[pos] * weights[i], cotangents[r], q * d, kbar[i], pos * d, d);
                        }
                    }
                    nextOutput[r]--;
                }
            }
            if (interp > stages && anyNonZero(kbar[stages], m * d)) {
                // Hermite's f(t₁, y₁): its cotangent flows into ȳ₁ before the step is reversed.
                combine(y0, k, h, m, d, stages, tab, true, -1, stageInput);
                for (int pos = 0; pos < m; pos++) {
                    times[pos] = tStart[pos] + h[pos];
                }
                f.vjp(times, stageInput, kbar[stages], az, thetaBar, m);
                countVjp(vjpRows, rowAt, m);
                vjpCalls++;
                axpy(1.0, az, 0, ybarStep, 0, m * d);
            }
            for (int i = 0; i < stages; i++) {
                double bi = tab.b(i);
                if (bi != 0.0) {
                    for (int pos = 0; pos < m; pos++) {
                        axpy(h[pos] * bi, ybarStep, pos * d, kbar[i], pos * d, d);
                    }
                }
            }
            for (int i = stages - 1; i >= 0; i--) {
                if (!anyNonZero(kbar[i], m * d)) {
                    continue; // e.g. an FSAL stage with b = 0 and no output inside the step
                }
                combine(y0, k, h, m, d, i, tab, false, i, stageInput);
                for (int pos = 0; pos < m; pos++) {
                    times[pos] = tStart[pos] + tab.c(i) * h[pos];
                }
                f.vjp(times, stageInput, kbar[i], az, thetaBar, m);
                countVjp(vjpRows, rowAt, m);
                vjpCalls++;
                axpy(1.0, az, 0, ybarStep, 0, m * d);
                for (int j = 0; j < i; j++) {
                    double aij = tab.a(i, j);
                    if (aij != 0.0) {
                        for (int pos = 0; pos < m; pos++) {
                            axpy(h[pos] * aij, az, pos * d, kbar[j], pos * d, d);
                        }
                    }
                }
            }
            axpy(1.0, direct, 0, ybarStep, 0, m * d);
            for (int pos = 0; pos < m; pos++) {
                System.arraycopy(ybarStep, pos * d, ybar, rowAt[pos] * d, d);
            }
        }
        // Outputs at t0 itself were copies of z0.
        for (int r = 0; r < rows; r++) {
            while (nextOutput[r] >= 0) {
                axpy(1.0, cotangents[r], nextOutput[r] * d, ybar, r * d, d);
                nextOutput[r]--;
            }
        }
        double[] nan = new double[rows];
        Arrays.fill(nan, Double.NaN);
        double[][] outputNan = new double[rows][];
        for (int r = 0; r < rows; r++) {
            outputNan[r] = new double[forward.outputCount(r)];
            Arrays.fill(outputNan[r], Double.NaN);
        }
        SolverStats cost = new SolverStats(vjpCalls, vjpRows, new int[rows], new int[rows], false);
        return new Gradients(ybar, thetaBar, nan, outputNan, cost);
    }

    /** Memory the tape of a recorded solve holds, in bytes. */
    public static long tapeBytes(Solution forward) {
        return 8 * tapeOf(forward).storedValues();
    }

    /**
     * Stage input {@code Y_i = y₀ + hΣ_{j<i} a_ij k_j} (or, with {@code end}, the step's result
     * {@code y₁ = y₀ + hΣ b_j k_j}) for the first m gathered rows.
     */
    private static void combine(double[] y0, double[][] k, double[] h, int m, int d, int count, ButcherTableau tab,
                                boolean end, int stage, double[] out) {
        System.arraycopy(y0, 0, out, 0, m * d);
        for (int j = 0; j < count; j++) {
            double coefficient = end ? tab.b(j) : tab.a(stage, j);
            if (coefficient == 0.0) {
                continue;
            }
            for (int pos = 0; pos < m; pos++) {
                axpy(h[pos] * coefficient, k[j], pos * d, out, pos * d, d);
            }
        }
    }

    private static void axpy(double alpha, double[] x, int xOffset, double[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    private static boolean anyNonZero(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            if (v[i] != 0.0) {
                return true;
            }
        }
        return false;
    }

    private static void countVjp(int[] perRow, int[] rowAt, int m) {
        for (int pos = 0; pos < m; pos++) {
            perRow[rowAt[pos]]++;
        }
    }

    private static DenseTrajectory tapeOf(Solution forward) {
        DenseOutput recorded;
        try {
            recorded = forward.recordedTrajectory();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("back-propagation through the solver needs the forward solve's tape: "
                    + "solve with SolveOptions.withDenseRecording()", e);
        }
        if (!(recorded instanceof DenseTrajectory tape)) {
            throw new IllegalArgumentException("the forward solve was not made by a Runge-Kutta solver");
        }
        return tape;
    }

    private static void checkCotangents(Solution forward, double[][] cotangents, int d) {
        if (forward.dimension() != d) {
            throw new IllegalArgumentException("the forward solve has D = " + forward.dimension()
                    + " but the vector field has D = " + d);
        }
        if (cotangents == null || cotangents.length != forward.rows()) {
            throw new IllegalArgumentException("cotangents must have one entry per row (" + forward.rows() + ")");
        }
        for (int r = 0; r < forward.rows(); r++) {
            if (cotangents[r] == null || cotangents[r].length != forward.outputCount(r) * d) {
                throw new IllegalArgumentException("cotangents[" + r + "] must hold outputs × D = "
                        + forward.outputCount(r) * d + " values");
            }
        }
    }
}
