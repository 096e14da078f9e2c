package io.odestream.ode.adjoint;

import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.VectorField;
import java.util.Arrays;

/**
 * The augmented system of the adjoint method (Chen et al. 2018, Alg. 1) for a batch that shares
 * its time grid: one state of {@code 2·B·D + P} values, {@code [z | a | aθ]}, with
 * <pre>  dz/dt = f(t, z),  da/dt = −aᵀ ∂f/∂z,  daθ/dt = −Σ_rows aᵀ ∂f/∂θ  </pre>
 * integrated backwards. Keeping one aθ for the batch (not one per row) keeps the augmented state,
 * and the work of every solver stage, at torchdiffeq's size.
 */
final class SharedAdjointField implements VectorField {
    private final DifferentiableVectorField f;
    private final int rows;
    private final int bd;
    private final int p;
    private final double[] times;
    private final double[] z;
    private final double[] a;
    private final double[] dz;
    private final double[] az;
    private final double[] aTheta;

    SharedAdjointField(DifferentiableVectorField f, int rows) {
        this.f = f;
        this.rows = rows;
        this.bd = rows * f.dimension();
        this.p = f.parameterCount();
        this.times = new double[rows];
        this.z = new double[bd];
        this.a = new double[bd];
        this.dz = new double[bd];
        this.az = new double[bd];
        this.aTheta = new double[p];
    }

    @Override
    public int dimension() {
        return 2 * bd + p;
    }

    /** Number of leading components that are state and adjoint (the seminorm's part). */
    int stateAndAdjointSize() {
        return 2 * bd;
    }

    @Override
    public void evaluate(double[] t, double[] s, double[] ds, int engineRows) {
        Arrays.fill(times, t[0]);
        System.arraycopy(s, 0, z, 0, bd);
        System.arraycopy(s, bd, a, 0, bd);
        Arrays.fill(aTheta, 0.0);
        f.evaluateAndVjp(times, z, a, dz, az, aTheta, rows);
        System.arraycopy(dz, 0, ds, 0, bd);
        System.arraycopy(az, 0, ds, bd, bd);
        System.arraycopy(aTheta, 0, ds, 2 * bd, p);
        // negated in place: a loop reading and writing the same index is one C2 vectorises
        for (int i = bd; i < 2 * bd + p; i++) {
            ds[i] = -ds[i];
        }
    }
}
