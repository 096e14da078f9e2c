package io.odestream.alert;

/**
 * The second moments E[z_i·z_j] of a model's per-channel z-scores, each over the events that observed
 * both channels. The sums are kept in fixed point (each product rounded to a multiple of 2⁻²⁰, about
 * 1e-6) in longs, so that they are exact and do not depend on the order the events came in: the
 * stream job's batched and unbatched paths feed the same events in different orders and must judge
 * alike, and two subtasks' moments merge by adding. With |z| ≤ 64 per channel an event adds at most
 * 2³² per sum, so a sum holds at least two billion events.
 */
public final class ZMoments {
    private static final double SCALE = 0x1p20;

    private final int channels;
    private final long[] sums;
    private final long[] counts;

    public ZMoments(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        }
        this.channels = channels;
        this.sums = new long[channels * channels];
        this.counts = new long[channels * channels];
    }

    /** Moments restored from their sums and counts (row-major, channels × channels; {@link #sums}, {@link #counts}). */
    public static ZMoments of(int channels, long[] sums, long[] counts) {
        ZMoments m = new ZMoments(channels);
        if (sums.length != m.sums.length || counts.length != m.counts.length) {
            throw new IllegalArgumentException("moments of " + channels + " channels need " + m.sums.length
                    + " sums and counts, got " + sums.length + " and " + counts.length);
        }
        System.arraycopy(sums, 0, m.sums, 0, sums.length);
        System.arraycopy(counts, 0, m.counts, 0, counts.length);
        return m;
    }

    /**
     * Moments given as their values E[z_i·z_j] and event counts (row-major, channels × channels), as a
     * model artifact ships them ({@link WarmUpMoments}): kept in the same fixed point, so judging with
     * them is the same arithmetic as with moments pooled live. A pair with no events has moment 0.
     */
    public static ZMoments ofMoments(int channels, double[] moments, long[] counts) {
        ZMoments m = new ZMoments(channels);
        if (moments.length != m.sums.length || counts.length != m.counts.length) {
            throw new IllegalArgumentException("moments of " + channels + " channels need " + m.sums.length
                    + " values and counts, got " + moments.length + " and " + counts.length);
        }
        for (int k = 0; k < moments.length; k++) {
            if (counts[k] < 0 || !Double.isFinite(moments[k]) || Math.abs(moments[k]) > PooledWarmUp.LARGEST_POOLED_Z
                    * PooledWarmUp.LARGEST_POOLED_Z) {
                throw new IllegalArgumentException("moment " + k + " is " + moments[k] + " over " + counts[k]
                        + " events; it must be finite, at most " + PooledWarmUp.LARGEST_POOLED_Z + "² in size, over"
                        + " >= 0 events");
            }
            m.sums[k] = Math.round(moments[k] * SCALE * counts[k]);
            m.counts[k] = counts[k];
        }
        return m;
    }

    public int channels() {
        return channels;
    }

    /** Adds one event's z-scores (NaN: channel not observed). */
    void add(double[] z) {
        for (int i = 0; i < channels; i++) {
            if (Double.isNaN(z[i])) {
                continue;
            }
            for (int j = 0; j < channels; j++) {
                if (!Double.isNaN(z[j])) {
                    sums[i * channels + j] += Math.round(z[i] * z[j] * SCALE);
                    counts[i * channels + j]++;
                }
            }
        }
    }

    /** Adds another pool's moments of the same channels: the moments of both pools' events. */
    public void merge(ZMoments other) {
        if (other.channels != channels) {
            throw new IllegalArgumentException("cannot merge moments of " + other.channels + " channels into "
                    + channels);
        }
        for (int k = 0; k < sums.length; k++) {
            sums[k] += other.sums[k];
            counts[k] += other.counts[k];
        }
    }

    /** Makes these moments a copy of {@code from}'s (same channels). */
    void copyFrom(ZMoments from) {
        System.arraycopy(from.sums, 0, sums, 0, sums.length);
        System.arraycopy(from.counts, 0, counts, 0, counts.length);
    }

    /** The pooled E[z_i·z_j]; NaN before any event observed both. */
    public double moment(int i, int j) {
        long n = counts[i * channels + j];
        return n == 0 ? Double.NaN : sums[i * channels + j] / SCALE / n;
    }

    /** How many pooled events observed both channels. */
    public long count(int i, int j) {
        return counts[i * channels + j];
    }

    /** A copy of the fixed-point sums (row-major), for a snapshot. */
    public long[] sums() {
        return sums.clone();
    }

    /** A copy of the counts (row-major), for a snapshot. */
    public long[] counts() {
        return counts.clone();
    }
}
