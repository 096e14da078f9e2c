package io.odestream.bench;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

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
     * with the pooled moments: β = Σ_oo⁻¹ Σ_oj (Hipparchus' LU; a handful of channels).
     */
    double conditional(double[] z, int j) {
        int[] others = new int[channels];
        int m = 0;
        for (int k = 0; k < channels; k++) {
            if (k != j && !Double.isNaN(z[k])) {
                others[m++] = k;
            }
        }
        if (m == 0) {
            return z[j] / Math.sqrt(moment(j, j));
        }
        RealMatrix sigmaOo = new Array2DRowRealMatrix(m, m);
        RealVector sigmaOj = new ArrayRealVector(m);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                sigmaOo.setEntry(r, c, moment(others[r], others[c]));
            }
            sigmaOj.setEntry(r, moment(others[r], j));
        }
        RealVector beta = new LUDecomposition(sigmaOo).getSolver().solve(sigmaOj);
        double mean = 0;
        for (int r = 0; r < m; r++) {
            mean += beta.getEntry(r) * z[others[r]];
        }
        return (z[j] - mean) / Math.sqrt(moment(j, j) - beta.dotProduct(sigmaOj));
    }
}
