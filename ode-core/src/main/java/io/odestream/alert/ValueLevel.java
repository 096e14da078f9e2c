package io.odestream.alert;

/**
 * The value-level test of {@link AlertPolicy#valueLevel()}: how extreme the observed value itself is
 * among the channel's own recent values, in either direction. A density score measures the surprise
 * of a value given the filter's state; once the filter has followed a shift, a value far outside
 * everything the series did recently scores as ordinary. Its rank among the recent values does not.
 *
 * <p>Per channel c with m recent values (the track's ring, slot for slot beside the scores; a masked
 * channel leaves NaN there and is not counted), the two tails {@code p↑ = (1 + #{recent ≥ v})/(m + 1)}
 * and {@code p↓ = (1 + #{recent ≤ v})/(m + 1)}, each also through the exponential tail fitted to the k
 * most extreme recent values ({@link ExponentialTail}); two-sided {@code p_c = min(1, 2·min(p↑, p↓))};
 * over the C channels that have at least {@code minHistory} values, Bonferroni:
 * {@code p = min(1, C·min p_c)}. Ranks only, so the test is free of the data's units.
 *
 * <p>Values are often discrete (counts, quantised readings), where the continuous tail fitted to the
 * k most extreme values can call a value rarer than the channel has shown it to be; so a tail's p is
 * never below {@code #{recent = v}/(m + 1)}. Scores are continuous and near-ties are exceedances
 * ({@link AlertPolicy#RESOLUTION_NATS}).
 */
final class ValueLevel {
    private ValueLevel() {
    }

    /**
     * The value-level tail probability of {@code values} (observed where {@code mask} says, null = all,
     * and finite) against the track's recent values; 1 when no channel has {@code minHistory} values
     * yet, or when there are no values. Allocates only for a value among the k most extreme.
     */
    static double tailProbability(AlertTrack track, double[] values, boolean[] mask, int minHistory, int tailSize) {
        if (values == null) {
            return 1.0;
        }
        double[] ring = track.recentValues;
        int stride = track.recent.length; // the rings' capacity, not the policy's window
        int n = track.size;
        double minP = 1.0;
        int tested = 0;
        for (int c = 0; c < values.length; c++) {
            if (!observed(values, mask, c)) {
                continue;
            }
            double v = values[c];
            int base = c * stride;
            // NaN (not observed then) is neither counted nor above nor the same
            int m;
            int above;
            int same;
            if (RingCounts.vectorised()) {
                m = RingCounts.observed(ring, base, n);
                above = RingCounts.above(ring, base, n, v);
                same = RingCounts.equal(ring, base, n, v);
            } else {
                // the loops fused: one pass instead of three
                m = 0;
                above = 0;
                same = 0;
                for (int i = base; i < base + n; i++) {
                    double x = ring[i];
                    m += x == x ? 1 : 0;
                    above += x > v ? 1 : 0;
                    same += x == v ? 1 : 0;
                }
            }
            int up = above + same;
            int down = m - above;
            if (m < minHistory) {
                continue;
            }
            tested++;
            double pUp = (1.0 + up) / (m + 1);
            double pDown = (1.0 + down) / (m + 1);
            if (tailSize > 0 && (up < tailSize || down < tailSize)) {
                double[] extremes = new double[tailSize];
                // the continuous tail never calls a value rarer than the times the channel took exactly that value
                double seen = (double) same / (m + 1);
                if (up < tailSize) {
                    Extremes.largest(ring, base, n, false, extremes, tailSize);
                    pUp = Math.min(pUp, Math.max(seen, ExponentialTail.upperOfTop(extremes, 0, tailSize, m, v)));
                }
                if (down < tailSize) {
                    Extremes.smallest(ring, base, n, extremes, tailSize);
                    pDown = Math.min(pDown, Math.max(seen, ExponentialTail.lower(extremes, m, v, tailSize)));
                }
            }
            minP = Math.min(minP, 2 * Math.min(pUp, pDown));
        }
        return tested == 0 ? 1.0 : Math.min(1.0, tested * minP);
    }

    /** Writes {@code values} into the slot the track's next score goes to (NaN where not observed, or no values). */
    static void record(AlertTrack track, double[] values, boolean[] mask) {
        double[] ring = track.recentValues;
        int stride = track.recent.length; // the rings' capacity, not the policy's window
        int channels = stride == 0 ? 0 : ring.length / stride;
        for (int c = 0; c < channels; c++) {
            ring[c * stride + track.next] = values != null && c < values.length && observed(values, mask, c)
                    ? values[c] : Double.NaN;
        }
    }

    private static boolean observed(double[] values, boolean[] mask, int c) {
        return (mask == null || mask[c]) && Double.isFinite(values[c]);
    }
}
