package io.odestream.ode.adjoint;

import io.odestream.ode.DifferentiableVectorField;
import io.odestream.ode.VectorField;
import java.util.Arrays;

/**
 * The adjoint's augmented system for per-row step control: row r is {@code [z_r | a_r | aθ_r]}
 * ({@code 2D + P} values) and integrates over its own span with its own steps, so its parameter
 * cotangent has to be its own too; they are summed after the solve.
 */
final class PerRowAdjointField implements VectorField {
    private final DifferentiableVectorField f;
    private final int d;
    private final int p;
    private final int width;
    private double[] z = new double[0];
    private double[] a;
    private double[] dz;
    private double[] az;
    private double[] aTheta;

    PerRowAdjointField(DifferentiableVectorField f) {
        this.f = f;
        this.d = f.dimension();
        this.p = f.parameterCount();
        this.width = 2 * d + p;
    }

    @Override
    public int dimension() {
        return width;
    }

    @Override
    public void evaluate(double[] t, double[] s, double[] ds, int rows) {
        if (z.length < rows * d) {
            z = new double[rows * d];
            a = new double[rows * d];
            dz = new double[rows * d];
            az = new double[rows * d];
            aTheta = new double[rows * p];
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s, r * width, z, r * d, d);
            System.arraycopy(s, r * width + d, a, r * d, d);
        }
        Arrays.fill(aTheta, 0, rows * p, 0.0);
        f.evaluateAndVjpPerRow(t, z, a, dz, az, aTheta, rows);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            System.arraycopy(dz, r * d, ds, base, d);
            for (int j = 0; j < d; j++) {
                ds[base + d + j] = -az[r * d + j];
            }
            for (int i = 0; i < p; i++) {
                ds[base + 2 * d + i] = -aTheta[r * p + i];
            }
        }
    }
}
