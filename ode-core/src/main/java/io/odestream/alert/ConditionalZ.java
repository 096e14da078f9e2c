package io.odestream.alert;

/**
 * The largest |z| of a channel given the other observed channels' z, under a zero-mean Gaussian with
 * pooled second moments Σ: with P = Σ_SS⁻¹ over the observed channels S,
 * E[z_j | z_others] = z_j − (P·z)_j / P_jj and Var(z_j | z_others) = 1 / P_jj, so the conditional z is
 * (P·z)_j / √P_jj. One small inversion per event, in arrays allocated once (a handful of channels);
 * one instance per thread (the arrays are scratch).
 */
public final class ConditionalZ {
    private final int[] observed;
    private final double[] inverse;

    public ConditionalZ(int channels) {
        this.observed = new int[channels];
        this.inverse = new double[channels * channels];
    }

    /** The channels this scratch is sized for. */
    public int channels() {
        return observed.length;
    }

    /**
     * The largest |conditional z| over the observed channels (NaN z: not observed); NaN when nothing is
     * observed, when a moment it needs has fewer than {@code minEvents} events, or when the moments of
     * the observed channels are not positive definite.
     */
    public double largest(ZMoments moments, double[] z, long minEvents) {
        int m = 0;
        for (int j = 0; j < z.length; j++) {
            if (!Double.isNaN(z[j])) {
                observed[m++] = j;
            }
        }
        if (m == 0) {
            return Double.NaN;
        }
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                if (moments.count(observed[r], observed[c]) < minEvents) {
                    return Double.NaN;
                }
                inverse[r * m + c] = moments.moment(observed[r], observed[c]);
            }
        }
        if (!invertInPlace(inverse, m)) {
            return Double.NaN;
        }
        double largest = 0;
        for (int r = 0; r < m; r++) {
            double pz = 0;
            for (int c = 0; c < m; c++) {
                pz += inverse[r * m + c] * z[observed[c]];
            }
            largest = Math.max(largest, Math.abs(pz) / Math.sqrt(inverse[r * m + r]));
        }
        return largest;
    }

    /**
     * Gauss–Jordan inversion of the m × m row-major matrix in place, without pivoting: a positive
     * definite matrix's pivots (its Schur complements) are positive. False for a non-positive pivot.
     */
    private static boolean invertInPlace(double[] a, int m) {
        for (int k = 0; k < m; k++) {
            double pivot = a[k * m + k];
            if (!(pivot > 0)) {
                return false;
            }
            a[k * m + k] = 1;
            for (int j = 0; j < m; j++) {
                a[k * m + j] /= pivot;
            }
            for (int i = 0; i < m; i++) {
                if (i == k) {
                    continue;
                }
                double f = a[i * m + k];
                a[i * m + k] = 0;
                for (int j = 0; j < m; j++) {
                    a[i * m + j] -= f * a[k * m + j];
                }
            }
        }
        return true;
    }
}
