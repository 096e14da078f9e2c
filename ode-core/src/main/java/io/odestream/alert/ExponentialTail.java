package io.odestream.alert;

/**
 * Peaks over threshold with an exponential tail (the Gumbel-domain case of SPOT, Siffer et al., KDD
 * 2017): the tail probability of a point beyond the k-th most extreme of n sorted sample points u,
 * {@code k/(n+1) · exp(−(x − u)/β)}, β the mean excess of the k most extreme over u. One formula for
 * the upper tail of scores and for both tails of observed values.
 */
final class ExponentialTail {
    private ExponentialTail() {
    }

    /**
     * The upper tail's p of {@code x} among n sample points whose k largest are {@code top[from, from + k)},
     * ascending ({@link Extremes#largest}; or a sorted sample with {@code from = n − k}).
     */
    static double upperOfTop(double[] top, int from, int k, int n, double x) {
        double u = top[from];
        return (double) k / (n + 1) * Math.exp(-(x - u) / scale(excessOver(top, from, k, u) / k, u));
    }

    /**
     * The lower tail's p of {@code x} given the ascending {@code sorted[0, n)}, fitted to the bottom {@code k}
     * (only {@code sorted[0, k)} is read: the k smallest, ascending, will do).
     */
    static double lower(double[] sorted, int n, double x, int k) {
        double l = sorted[k - 1];
        double excess = 0;
        for (int i = 0; i < k; i++) {
            excess += l - sorted[i];
        }
        return (double) k / (n + 1) * Math.exp(-(l - x) / scale(excess / k, l));
    }

    /** β of the upper tail: the mean excess of the top k sorted points over the k-th largest, u. */
    static double upperScale(double[] sorted, int n, double u, int k) {
        return scale(excessOver(sorted, n - k, k, u) / k, u);
    }

    // summed in ascending order, so a sorted sample and its top k give the same bits
    private static double excessOver(double[] ascending, int from, int k, double u) {
        double excess = 0;
        for (int i = from; i < from + k; i++) {
            excess += ascending[i] - u;
        }
        return excess;
    }

    // a flat tail (all k equal) has no scale: keep a relative epsilon so the tail stays a tail, not a wall
    private static double scale(double meanExcess, double u) {
        return Math.max(meanExcess, 1e-9 * Math.max(1.0, Math.abs(u)));
    }
}
