package io.odestream.eval.spiral;

import io.odestream.ode.Solution;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;

/**
 * The classic spiral of torchdiffeq's {@code examples/ode_demo.py}: {@code dz/dt = (z³) A} with
 * {@code A = [[-0.1, 2.0], [-2.0, -0.1]]} (z a row vector), {@code z0 = [2, 0]}, observed at 1000
 * evenly spaced times on [0, 25].
 */
public final class SpiralProblem {
    public static final double[] Z0 = {2.0, 0.0};
    public static final double T_END = 25.0;
    public static final int POINTS = 1000;
    private static final double[][] A = {{-0.1, 2.0}, {-2.0, -0.1}};

    /** The true dynamics. */
    public static final VectorField TRUE_DYNAMICS = new VectorField() {
        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public void evaluate(double[] t, double[] z, double[] dz, int rows) {
            for (int r = 0; r < rows; r++) {
                double c0 = z[2 * r] * z[2 * r] * z[2 * r];
                double c1 = z[2 * r + 1] * z[2 * r + 1] * z[2 * r + 1];
                dz[2 * r] = c0 * A[0][0] + c1 * A[1][0];
                dz[2 * r + 1] = c0 * A[0][1] + c1 * A[1][1];
            }
        }
    };

    private final double[] times;
    private final double[] trajectory;

    private SpiralProblem(double[] times, double[] trajectory) {
        this.times = times;
        this.trajectory = trajectory;
    }

    /** The true trajectory, from a tight dopri5 solve (rtol 1e-10). */
    public static SpiralProblem generate() {
        double[] times = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            times[i] = T_END * i / (POINTS - 1);
        }
        Solution s = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-10, 1e-12).build())
                .solve(TRUE_DYNAMICS, Z0.clone(), 1, 0, times);
        double[] trajectory = new double[2 * POINTS];
        for (int i = 0; i < POINTS; i++) {
            trajectory[2 * i] = s.value(0, i, 0);
            trajectory[2 * i + 1] = s.value(0, i, 1);
        }
        return new SpiralProblem(times, trajectory);
    }

    public double time(int i) {
        return times[i];
    }

    public double value(int i, int component) {
        return trajectory[2 * i + component];
    }
}
