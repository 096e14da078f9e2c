package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** The in-place Cholesky against Hipparchus' decomposition: factor, log-determinant, Mahalanobis distance. */
class CholeskyTest {
    private static final double[][] SIGMA = {{4.0, 1.2, -0.6}, {1.2, 2.5, 0.3}, {-0.6, 0.3, 1.7}};

    @Test
    void factorsLogDeterminantAndMahalanobisDistanceAgreeWithHipparchus() {
        int n = 3;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * n + j] = SIGMA[i][j]; // the upper triangle is never read
            }
        }
        double halfLogDet = Cholesky.factorInPlace(a, n);
        RealMatrix sigma = MatrixUtils.createRealMatrix(SIGMA);
        CholeskyDecomposition oracle = new CholeskyDecomposition(sigma);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(oracle.getL().getEntry(i, j), a[i * n + j], 1e-12, "L[" + i + "][" + j + "]");
            }
        }
        assertEquals(0.5 * Math.log(oracle.getDeterminant()), halfLogDet, 1e-12);

        double[] v = {0.7, -1.1, 2.3};
        double expected = MatrixUtils.createRealVector(v)
                .dotProduct(oracle.getSolver().solve(MatrixUtils.createRealVector(v)));
        assertEquals(expected, Cholesky.forwardSubstituteInPlace(a, n, v.clone()), 1e-12);
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteGivesNaN() {
        double[] singular = {1.0, 0.0, 1.0, 1.0}; // [[1, 1], [1, 1]]: the second pivot is 0
        assertTrue(Double.isNaN(Cholesky.factorInPlace(singular, 2)));
    }
}
