package io.odestream.ode.adjoint;

import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.SolveOptions;
import io.odestream.ode.SolverState;
import io.odestream.ode.SolverStats;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Back-propagation through the solver's steps with checkpoints (recompute segments; diffrax's
 * default): the forward solve runs in segments of equal time and keeps only the solver state where
 * each segment starts; the backward pass solves one segment again with its tape and back-propagates
 * through it ({@link SolverBackprop}), last segment first. Memory: the checkpoints plus one
 * segment's tape instead of the whole tape (with √N segments of N steps, O(√N)); time: one more
 * forward solve. The gradient is exactly that of the segmented solve's arithmetic — where the
 * segments' ends cut no step (fixed steps dividing the segments) the same as {@link SolverBackprop}
 * on one solve, to rounding.
 *
 * <p>Shared step control only (the batch's rows on one time grid). Usage:
 * <pre>
 *   CheckpointedBackprop.Forward fw = backprop.forward(f, z0, rows, t0, outputTimes);
 *   Gradients g = backprop.gradients(f, fw, cotangents(fw.outputs()));
 * </pre>
 */
public final class CheckpointedBackprop {
    private final RungeKuttaSolver solver;
    private final int segments;

    /** @param segments how many equal-time segments the span from t0 to the last output is cut into (≥ 1) */
    public CheckpointedBackprop(RungeKuttaSolver solver, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("segments must be at least 1, got " + segments);
        }
        this.solver = solver;
        this.segments = segments;
    }

    /**
     * The forward pass: the solve's outputs and the checkpoints the backward pass restarts from.
     *
     * @param outputs      {@code outputs[r][q*D + j]}, the layout of the cotangents
     * @param checkpoints  the solver's state where segments 2, 3, … start (the first starts at z0)
     * @param segmentTimes each segment's output times; the last of each is the segment's end
     * @param outputIndex  per segment and output time, which of the caller's outputs it is (−1: the
     *                     segment's end only)
     */
    public record Forward(int rows, int dimension, double t0, double[] z0, double[] outputTimes, double[][] outputs,
                          List<SolverState> checkpoints, List<double[]> segmentTimes, List<int[]> outputIndex) {

        /** Bytes the checkpoints hold (what stays in memory between the passes besides the outputs). */
        public long checkpointBytes() {
            long values = z0.length;
            for (SolverState s : checkpoints) {
                values += s.state().length;
            }
            return 8 * values;
        }
    }

    /** Gradients and what the backward pass held at most. */
    public record Result(Gradients gradients, long largestTapeBytes, long checkpointBytes) {
    }

    /** Solves from t0 through the sorted output times (all after t0 or equal to it), keeping checkpoints. */
    public Forward forward(DifferentiableVectorField f, double[] z0, int rows, double t0, double[] outputTimes) {
        if (outputTimes.length == 0) {
            throw new IllegalArgumentException("outputTimes must not be empty");
        }
        int d = f.dimension();
        double tEnd = outputTimes[outputTimes.length - 1];
        if (!(tEnd > t0)) {
            throw new IllegalArgumentException("the last output time (" + tEnd + ") must come after t0 (" + t0
                    + "): there is nothing to integrate and nothing to checkpoint");
        }
        List<double[]> segmentTimes = new ArrayList<>();
        List<int[]> outputIndex = new ArrayList<>();
        int next = 0;
        for (int s = 1; s <= segments; s++) {
            double end = s == segments ? tEnd : t0 + (tEnd - t0) * s / segments;
            int first = next;
            while (next < outputTimes.length && outputTimes[next] <= end) {
                next++;
            }
            boolean endIsOutput = next > first && outputTimes[next - 1] == end;
            int count = next - first + (endIsOutput ? 0 : 1);
            double[] times = new double[count];
            int[] index = new int[count];
            for (int q = 0; q < next - first; q++) {
                times[q] = outputTimes[first + q];
                index[q] = first + q;
            }
            if (!endIsOutput) {
                times[count - 1] = end;
                index[count - 1] = -1; // the segment's end, not an output of the caller's
            }
            segmentTimes.add(times);
            outputIndex.add(index);
        }
        double[][] outputs = new double[rows][outputTimes.length * d];
        List<SolverState> checkpoints = new ArrayList<>();
        SolverState state = null;
        for (int s = 0; s < segments; s++) {
            Solution segment = solveSegment(f, z0, rows, t0, state, segmentTimes.get(s), SolveOptions.DEFAULT);
            copyOutputs(segment, outputIndex.get(s), outputs, d);
            state = segment.finalState();
            if (s < segments - 1) {
                checkpoints.add(state);
            }
        }
        return new Forward(rows, d, t0, z0.clone(), outputTimes.clone(), outputs, List.copyOf(checkpoints),
                List.copyOf(segmentTimes), List.copyOf(outputIndex));
    }

    /** dL/dz0 and dL/dθ for {@code cotangents[r][q*D + j]} = dL/d(output q of row r). */
    public Result gradients(DifferentiableVectorField f, Forward forward, double[][] cotangents) {
        int rows = forward.rows();
        int d = forward.dimension();
        if (cotangents == null || cotangents.length != rows) {
            throw new IllegalArgumentException("cotangents must have one entry per row (" + rows + ")");
        }
        for (int r = 0; r < rows; r++) {
            if (cotangents[r] == null || cotangents[r].length != forward.outputTimes().length * d) {
                throw new IllegalArgumentException("cotangents[" + r + "] must hold outputs × D = "
                        + forward.outputTimes().length * d + " values");
            }
        }
        double[] carry = new double[rows * d];
        double[] thetaBar = new double[f.parameterCount()];
        long largestTape = 0;
        long vjpCalls = 0;
        int[] vjpRows = new int[rows];
        for (int s = segments - 1; s >= 0; s--) {
            SolverState start = s == 0 ? null : forward.checkpoints().get(s - 1);
            double[] times = forward.segmentTimes().get(s);
            int[] index = forward.outputIndex().get(s);
            Solution segment = solveSegment(f, forward.z0(), rows, forward.t0(), start, times,
                    SolveOptions.DEFAULT.withDenseRecording());
            checkSameOutputs(segment, index, forward.outputs(), d, s);
            largestTape = Math.max(largestTape, SolverBackprop.tapeBytes(segment));
            double[][] segmentCotangents = new double[rows][times.length * d];
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < times.length; q++) {
                    if (index[q] >= 0) {
                        System.arraycopy(cotangents[r], index[q] * d, segmentCotangents[r], q * d, d);
                    }
                }
                int last = (times.length - 1) * d;
                for (int j = 0; j < d; j++) {
                    segmentCotangents[r][last + j] += carry[r * d + j];
                }
            }
            Gradients g = SolverBackprop.gradients(f, segment, segmentCotangents);
            carry = g.initialState();
            for (int i = 0; i < thetaBar.length; i++) {
                thetaBar[i] += g.parameters()[i];
            }
            vjpCalls += g.backward().evaluations();
            for (int r = 0; r < rows; r++) {
                vjpRows[r] += g.backward().evaluations(r);
            }
        }
        double[] nan = new double[rows];
        Arrays.fill(nan, Double.NaN);
        double[][] outputNan = new double[rows][forward.outputTimes().length];
        for (double[] row : outputNan) {
            Arrays.fill(row, Double.NaN);
        }
        SolverStats cost = new SolverStats(vjpCalls, vjpRows, new int[rows], new int[rows], false);
        return new Result(new Gradients(carry, thetaBar, nan, outputNan, cost), largestTape,
                forward.checkpointBytes());
    }

    private Solution solveSegment(DifferentiableVectorField f, double[] z0, int rows, double t0, SolverState start,
            double[] times, SolveOptions options) {
        Solution segment = start == null
                ? solver.solve(f, z0, rows, t0, times, options)
                : solver.resume(f, start, times, options);
        for (int r = 0; r < rows; r++) {
            if (segment.failure(r) != null) {
                throw segment.failure(r);
            }
        }
        return segment;
    }

    private static void copyOutputs(Solution segment, int[] index, double[][] outputs, int d) {
        for (int r = 0; r < outputs.length; r++) {
            for (int q = 0; q < index.length; q++) {
                if (index[q] >= 0) {
                    for (int j = 0; j < d; j++) {
                        outputs[r][index[q] * d + j] = segment.value(r, q, j);
                    }
                }
            }
        }
    }

    /** The recomputed segment must be the forward pass's to the bit, or its tape is not the solve's. */
    private static void checkSameOutputs(Solution segment, int[] index, double[][] outputs, int d, int s) {
        for (int r = 0; r < outputs.length; r++) {
            for (int q = 0; q < index.length; q++) {
                if (index[q] < 0) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    if (Double.doubleToLongBits(segment.value(r, q, j))
                            != Double.doubleToLongBits(outputs[r][index[q] * d + j])) {
                        throw new IllegalStateException("segment " + s + " solved again gave row " + r + " output "
                                + index[q] + " = " + segment.value(r, q, j) + " where the forward pass gave "
                                + outputs[r][index[q] * d + j] + ": the vector field is not deterministic (or "
                                + "its parameters changed between forward and gradients)");
                    }
                }
            }
        }
    }
}
