package io.odestream.flow;

import io.odestream.latent.Cholesky;

/**
 * A full-covariance Gaussian fitted by maximum likelihood (sample mean, covariance with divisor n),
 * the discrete baseline a flow must beat: it captures location, scale and correlation, and nothing
 * else (no skew, no modes, no holes).
 */
public final class GaussianDensity {
    private static final double LOG_TWO_PI = Math.log(2 * Math.PI);
    private final int d;
    private final double[] mean;
    private final double[] cholesky;
    private final double logDeterminant;

    private GaussianDensity(int d, double[] mean, double[] cholesky) {
        this.d = d;
        this.mean = mean;
        this.cholesky = cholesky;
        double sum = 0;
        for (int i = 0; i < d; i++) {
            sum += Math.log(cholesky[i * d + i]);
        }
        this.logDeterminant = 2 * sum;
    }

    /** Fits {@code count} points of dimension d (row-major). */
    public static GaussianDensity fit(double[] points, int count, int d) {
        if (count <= d) {
            throw new IllegalArgumentException("a full covariance in " + d + " dimensions needs more than " + d
                    + " points, got " + count);
        }
        double[] mean = new double[d];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < d; i++) {
                mean[i] += points[n * d + i] / count;
            }
        }
        double[] covariance = new double[d * d];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < d; i++) {
                double di = points[n * d + i] - mean[i];
                for (int j = 0; j <= i; j++) {
                    covariance[i * d + j] += di * (points[n * d + j] - mean[j]) / count;
                }
            }
        }
        return new GaussianDensity(d, mean, cholesky(covariance, d));
    }

    /** log N(x; μ, Σ) of the point at {@code offset}. */
    public double logDensity(double[] x, int offset) {
        double[] solved = new double[d];
        for (int i = 0; i < d; i++) {
            solved[i] = x[offset + i] - mean[i];
        }
        double squares = Cholesky.forwardSubstituteInPlace(cholesky, d, solved);
        return -0.5 * (squares + logDeterminant + d * LOG_TWO_PI);
    }

    /** Mean negative log-density of {@code count} points. */
    public double meanNll(double[] points, int count) {
        double sum = 0;
        for (int n = 0; n < count; n++) {
            sum -= logDensity(points, n * d);
        }
        return sum / count;
    }

    /** Lower-triangular L with L·Lᵀ = the symmetric matrix whose lower triangle is given (overwritten). */
    private static double[] cholesky(double[] lower, int d) {
        if (Double.isNaN(Cholesky.factorInPlace(lower, d))) {
            throw new IllegalArgumentException("the covariance is singular: the points lie in a "
                    + "lower-dimensional subspace");
        }
        return lower;
    }
}
