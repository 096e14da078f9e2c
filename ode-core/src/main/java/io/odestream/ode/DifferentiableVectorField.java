package io.odestream.ode;

/**
 * A vector field {@code f(t, z; θ)} with a flat parameter vector θ and vector–Jacobian products,
 * the two quantities the adjoint method integrates backwards (Chen et al. 2018, eq. 4 and 5).
 */
public interface DifferentiableVectorField extends VectorField {

    /** Number of scalar parameters, the length of {@link #parameters()}. */
    int parameterCount();

    /** The live parameter vector θ (not a copy): optimisers update it in place. */
    double[] parameters();

    /**
     * Vector–Jacobian products at {@code (t[r], z[r])} for every row r:
     * <ul>
     *   <li>{@code az[r*D ..] = a[r]ᵀ ∂f/∂z} (overwritten), and</li>
     *   <li>{@code aTheta += Σ_r a[r]ᵀ ∂f/∂θ} (accumulated, so gradients of several rows
     *       and several calls add up).</li>
     * </ul>
     * Allocation-free after the first call for a given batch size.
     */
    void vjp(double[] t, double[] z, double[] a, double[] az, double[] aTheta, int rows);
}
