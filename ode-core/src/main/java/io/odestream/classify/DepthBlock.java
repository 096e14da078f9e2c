package io.odestream.classify;

/**
 * The map from the projected input to the state the readout sees, {@code h(1) = block(h(0))},
 * with its reverse mode. Parameters are slices of the classifier's one vector.
 */
public interface DepthBlock {

    /** D, the width of the state it maps. */
    int dimension();

    /**
     * {@code out = block(in)} for {@code rows} rows (rows × D, row-major); remembers what
     * {@link #backward} needs.
     */
    void forward(double[] in, double[] out, int rows);

    /**
     * Reverse mode at the last {@link #forward}: {@code gIn = gOutᵀ ∂out/∂in} (overwritten) and
     * {@code gTheta += gOutᵀ ∂out/∂θ} (accumulated, the classifier's parameter layout).
     */
    void backward(double[] gOut, double[] gIn, double[] gTheta, int rows);

    /** Evaluations of the block's function in the last forward pass (the NFE of an ODE block). */
    long forwardEvaluations();

    /** Evaluations (or vector–Jacobian products) in the last backward pass. */
    long backwardEvaluations();

    /**
     * The doubles the block keeps from the last forward pass for its backward pass, and the state
     * its backward pass carries: the memory a gradient costs, which for an ODE block is where the
     * adjoint (O(1) in the steps) and back-propagation (its tape, O(steps)) differ.
     */
    long heldValues();
}
