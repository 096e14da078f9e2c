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
     * Tells the field that {@link #parameters()} was changed in place (by an optimiser step or a
     * model swap), so it can refresh anything derived from them (e.g. transposed weights).
     */
    default void parametersChanged() {
    }

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

    /**
     * {@code dz = f(t, z)} and {@link #vjp} at the same point, what the adjoint's backward solve
     * needs at every stage. The default makes the two calls; a field whose VJP runs its forward pass
     * anyway (a neural network) overrides it to run that pass once.
     */
    default void evaluateAndVjp(double[] t, double[] z, double[] a, double[] dz, double[] az, double[] aTheta,
            int rows) {
        evaluate(t, z, dz, rows);
        vjp(t, z, a, az, aTheta, rows);
    }

    /** {@code dz = f(t, z)} and {@link #vjpPerRow} at the same point; see {@link #evaluateAndVjp}. */
    default void evaluateAndVjpPerRow(double[] t, double[] z, double[] a, double[] dz, double[] az,
            double[] aThetaRows, int rows) {
        evaluate(t, z, dz, rows);
        vjpPerRow(t, z, a, az, aThetaRows, rows);
    }

    /**
     * Like {@link #vjp}, but keeps each row's parameter cotangent apart:
     * {@code aThetaRows[r*P ..] += a[r]ᵀ ∂f/∂θ}. The per-row adjoint needs this, because rows
     * integrate over different time spans with their own step sizes. The default evaluates the rows
     * one at a time and allocates scratch on every call; implementations on a hot path override it.
     */
    default void vjpPerRow(double[] t, double[] z, double[] a, double[] az, double[] aThetaRows, int rows) {
        int d = dimension();
        int p = parameterCount();
        double[] tRow = new double[1];
        double[] zRow = new double[d];
        double[] aRow = new double[d];
        double[] azRow = new double[d];
        double[] thetaRow = new double[p];
        for (int r = 0; r < rows; r++) {
            tRow[0] = t[r];
            System.arraycopy(z, r * d, zRow, 0, d);
            System.arraycopy(a, r * d, aRow, 0, d);
            java.util.Arrays.fill(thetaRow, 0.0);
            vjp(tRow, zRow, aRow, azRow, thetaRow, 1);
            System.arraycopy(azRow, 0, az, r * d, d);
            for (int i = 0; i < p; i++) {
                aThetaRows[r * p + i] += thetaRow[i];
            }
        }
    }
}
