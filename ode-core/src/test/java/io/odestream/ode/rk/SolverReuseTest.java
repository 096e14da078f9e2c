package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import org.junit.jupiter.api.Test;

/**
 * One solver serves solves of different shapes in turn (a latent filter's encoder, 1 × H, then its
 * decoder, K × L): each gives what a fresh solver gives. Regression: buffers were once sized by
 * the largest rows and largest dimension seen separately, not by their product.
 */
class SolverReuseTest {

    /** dz/dt = −k z per component, k = 1 + component index. */
    private static VectorField decay(int dimension) {
        return new VectorField() {
            @Override
            public int dimension() {
                return dimension;
            }

            @Override
            public void evaluate(double[] t, double[] z, double[] dz, int rows) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < dimension; j++) {
                        dz[r * dimension + j] = -(1 + j) * z[r * dimension + j];
                    }
                }
            }
        };
    }

    @Test
    void solvesOfChangingShapeMatchFreshSolvers() {
        RungeKuttaSolver reused = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
        int[][] shapes = {{1, 6}, {8, 3}, {8, 6}, {2, 2}, {16, 5}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int d = shape[1];
            double[] z0 = new double[rows * d];
            for (int i = 0; i < z0.length; i++) {
                z0[i] = 1 + 0.1 * i;
            }
            RungeKuttaSolver fresh = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-8, 1e-10).build());
            double[] times = {0.5, 1.0};
            assertArrayEquals(fresh.solve(decay(d), z0, rows, 0.0, times).state(1),
                    reused.solve(decay(d), z0, rows, 0.0, times).state(1), 0.0, rows + " x " + d);
        }
    }
}
