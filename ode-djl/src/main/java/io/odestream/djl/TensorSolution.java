package io.odestream.djl;

import ai.djl.ndarray.NDArray;
import io.odestream.ode.SolverStats;

/**
 * A batched solve's result on the device: the B×D state at each output time (attached to the
 * manager of the initial state, so the caller's scope owns them), the statistics, and the step
 * controller's memory at the end (the next step-size proposal and the last accepted error ratio;
 * NaN and 1e-4 for a fixed-step solve) from which a later solve may continue.
 */
public record TensorSolution(double[] times, NDArray[] outputs, SolverStats stats, double nextStep,
                             double previousRatio) {

    /** The state at the last output time. */
    public NDArray last() {
        return outputs[outputs.length - 1];
    }
}
