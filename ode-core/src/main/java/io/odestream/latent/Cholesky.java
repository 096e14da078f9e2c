package io.odestream.latent;

/**
 * In-place Cholesky factorisation and forward substitution on a small dense row-major matrix, for
 * Gaussian log-densities (a score's predictive covariance, a fitted baseline's): no allocation, so it
 * can run per event.
 */
public final class Cholesky {
    private Cholesky() {
    }

    /**
     * Overwrites the lower triangle of the n × n symmetric matrix {@code a} (only its lower triangle is
     * read) with its lower Cholesky factor L, L·Lᵀ = a. Returns ½·log det a, or NaN (leaving {@code a}
     * part-factored) if a pivot is not positive: the matrix is not positive definite.
     */
    public static double factorInPlace(double[] a, int n) {
        double halfLogDet = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= a[i * n + k] * a[j * n + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return Double.NaN;
                    }
                    a[i * n + i] = Math.sqrt(s);
                    halfLogDet += Math.log(a[i * n + i]);
                } else {
                    a[i * n + j] = s / a[j * n + j];
                }
            }
        }
        return halfLogDet;
    }

    /**
     * v ← L⁻¹ v for the factor {@link #factorInPlace} wrote into {@code l}; returns the squared norm of
     * the result, vᵀ (L·Lᵀ)⁻¹ v (the Mahalanobis distance of the original v).
     */
    public static double forwardSubstituteInPlace(double[] l, int n, double[] v) {
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double s = v[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * n + k] * v[k];
            }
            v[i] = s / l[i * n + i];
            squares += v[i] * v[i];
        }
        return squares;
    }
}
