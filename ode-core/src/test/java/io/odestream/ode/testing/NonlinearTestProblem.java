package io.odestream.ode.testing;

import io.odestream.ode.VectorField;

/**
 * A nonlinear, partly time-dependent system with a known solution, for convergence orders:
 * <pre>
 *   z1' = −z2 (z1² + z2²),  z2' = z1 (z1² + z2²)   z(0) = (1, 0)  →  (cos t, sin t)
 *   z3' = z3 cos t                                 z3(0) = 1      →  exp(sin t)
 *   z4' = z4 (1 − z4)                              z4(0) = 0.1    →  1 / (1 + 9 e^(−t))
 * </pre>
 */
public final class NonlinearTestProblem implements VectorField {
    public static final double[] Z0 = {1, 0, 1, 0.1};

    @Override
    public int dimension() {
        return 4;
    }

    @Override
    public void evaluate(double[] t, double[] z, double[] dz, int rows) {
        for (int r = 0; r < rows; r++) {
            int b = 4 * r;
            double radius2 = z[b] * z[b] + z[b + 1] * z[b + 1];
            dz[b] = -z[b + 1] * radius2;
            dz[b + 1] = z[b] * radius2;
            dz[b + 2] = z[b + 2] * Math.cos(t[r]);
            dz[b + 3] = z[b + 3] * (1 - z[b + 3]);
        }
    }

    public static double[] exact(double t) {
        return new double[] {Math.cos(t), Math.sin(t), Math.exp(Math.sin(t)), 1 / (1 + 9 * Math.exp(-t))};
    }

    /** Largest absolute difference between {@code z[offset..offset+4)} and the exact solution at t. */
    public static double maxError(double[] z, int offset, double t) {
        double[] e = exact(t);
        double m = 0;
        for (int j = 0; j < 4; j++) {
            m = Math.max(m, Math.abs(z[offset + j] - e[j]));
        }
        return m;
    }
}
