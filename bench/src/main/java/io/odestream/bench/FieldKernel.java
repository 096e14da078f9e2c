package io.odestream.bench;

/**
 * One implementation of the two evaluations the adjoint of the MLP field needs, for a fixed batch
 * of rows (row-major, rows × D):
 * <ul>
 *   <li>{@link #forward}: {@code dz = f(z)} — what the forward solve calls;</li>
 *   <li>{@link #augmented}: {@code dz = f(z)}, {@code az = aᵀ∂f/∂z} (overwritten) and
 *       {@code aTheta += Σ_rows aᵀ∂f/∂θ} (accumulated, torch parameter layout) — what every stage
 *       of the adjoint's backward solve calls.</li>
 * </ul>
 * The implementations differ only in how they compute; {@code FieldKernelsTest} holds them to
 * the same numbers. Not thread-safe (scratch buffers).
 */
interface FieldKernel {
    int rows();

    void forward(double[] z, double[] dz);

    void augmented(double[] z, double[] a, double[] dz, double[] az, double[] aTheta);

    /**
     * {@code az} and {@code aTheta} as {@link #augmented} computes them, reusing the forward pass
     * of the last {@link #forward} call if it was at this z (the adjoint evaluates f and then the
     * VJP at the same state); returns false, having written nothing, where the kernel cannot.
     */
    default boolean vjpAfterForward(double[] z, double[] a, double[] az, double[] aTheta) {
        return false;
    }
}
