package io.odestream.bench;

/**
 * A calibration pooled across series that a per-series one cannot have in its first events: the
 * covariance of the model's per-channel z-scores over many series' ordinary events, and from it each
 * channel's z given the other observed channels' (the Gaussian conditional). When the model's mean
 * is off, it is off on every channel at once, as the channels' shared latent state says; a fault of
 * one sensor is off on that channel alone. Conditioning on the other channels takes the shared part
 * out, so the first is explained and the second is not. Measured by {@link ColdStartSeparation};
 * not (yet) in the product.
 */
final class PooledConditionalZ {
    private final int channels;
    private final double[] sums;
    private final long[] counts;

    PooledConditionalZ(int channels) {
        this.channels = channels;
        this.sums = new double[channels * channels];
        this.counts = new long[channels * channels];
    }

    /** Adds one ordinary event's z-scores (NaN: channel missing) to the pooled second moments. */
    void add(double[] z) {
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) {
                if (!Double.isNaN(z[i]) && !Double.isNaN(z[j])) {
                    sums[i * channels + j] += z[i] * z[j];
                    counts[i * channels + j]++;
                }
            }
        }
    }

    /** The pooled E[z_i z_j]. */
    double moment(int i, int j) {
        return sums[i * channels + j] / counts[i * channels + j];
    }

    /** The largest |z_j given the other observed channels' z| over the observed channels j; 0 if none. */
    double largestConditional(double[] z) {
        double largest = 0;
        for (int j = 0; j < channels; j++) {
            if (!Double.isNaN(z[j])) {
                largest = Math.max(largest, Math.abs(conditional(z, j)));
            }
        }
        return largest;
    }

    /**
     * (z_j − E[z_j | z_o]) / sd(z_j | z_o), o the other observed channels, under a zero-mean Gaussian
     * with the pooled moments: solves Σ_oo β = Σ_oj by Gaussian elimination (a handful of channels).
     */
    double conditional(double[] z, int j) {
        int[] others = new int[channels];
        int m = 0;
        for (int k = 0; k < channels; k++) {
            if (k != j && !Double.isNaN(z[k])) {
                others[m++] = k;
            }
        }
        double[][] a = new double[m][m + 1];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                a[r][c] = moment(others[r], others[c]);
            }
            a[r][m] = moment(others[r], j);
        }
        double[] beta = solve(a, m);
        double mean = 0;
        double variance = moment(j, j);
        for (int r = 0; r < m; r++) {
            mean += beta[r] * z[others[r]];
            variance -= beta[r] * moment(others[r], j);
        }
        return (z[j] - mean) / Math.sqrt(variance);
    }

    /** Gaussian elimination with partial pivoting on the augmented m × (m + 1) matrix. */
    private static double[] solve(double[][] a, int m) {
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = col + 1; r < m; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= m; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] x = new double[m];
        for (int r = m - 1; r >= 0; r--) {
            double s = a[r][m];
            for (int c = r + 1; c < m; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
