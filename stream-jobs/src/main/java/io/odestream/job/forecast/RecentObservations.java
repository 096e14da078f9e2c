package io.odestream.job.forecast;

import io.odestream.latent.SeriesHistory;
import java.util.Arrays;

/**
 * A series' most recent observations, oldest overwritten first: what the series is re-encoded from
 * after a model swap (and what fine-tuning windows are cut from). A Flink POJO: public fields of
 * primitive arrays, so the state serializer stays fast and schema-evolvable; missing channels are
 * stored as NaN.
 *
 * <p>The arrays grow with the history: a new one ({@link #empty}) has {@link #INITIAL_SLOTS} slots
 * (or the capacity, if smaller) and doubles when full, up to the capacity {@link #add} is given, where
 * the ring starts to overwrite its oldest. Keyed state serialises (and a heap checkpoint copies) the
 * whole arrays on every access, and most series of a large deployment are young, so a young series
 * costs what it holds. Growth is the only allocation in {@link #add}: log₂(capacity / 16) steps in a
 * series' life. Arrays as long as the capacity (state written before they grew) never grow.
 */
public final class RecentObservations implements SeriesHistory {
    /** The slots of a new history (when the capacity is larger). */
    public static final int INITIAL_SLOTS = 16;

    /** Event times, epoch ms; slot i holds the observation with values[i*channels ...]. */
    public long[] times;
    public double[] values;
    public int channels;
    public int size;
    /** Slot the next observation goes to. */
    public int next;

    public RecentObservations() {
    }

    /** An empty history with {@code slots} slots from the start (it grows only if {@link #add} is given more). */
    public RecentObservations(int slots, int channels) {
        if (slots < 1 || channels < 1) {
            throw new IllegalArgumentException("recent-observation capacity and channels must be >= 1, got "
                    + slots + " and " + channels);
        }
        this.times = new long[slots];
        this.values = new double[slots * channels];
        this.channels = channels;
    }

    /** An empty history that will keep up to {@code capacity} observations, starting small. */
    public static RecentObservations empty(int capacity, int channels) {
        return new RecentObservations(Math.min(capacity, INITIAL_SLOTS), channels);
    }

    /** The slots held now: at most the capacity {@link #add} is given. */
    public int slots() {
        return times.length;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public long timeOf(int i) {
        return times[slot(i)];
    }

    @Override
    public void readInto(int i, double[] x, boolean[] observed) {
        read(slot(i), x, observed);
    }

    /**
     * Appends one observation; {@code observed[j] = false} stores channel j as missing. A full history
     * with fewer than {@code capacity} slots grows first; one with at least as many overwrites its oldest.
     */
    @Override
    public void add(long timeMillis, double[] x, boolean[] observed, int capacity) {
        if (size == times.length && times.length < capacity) {
            grow(Math.min(capacity, Math.max(INITIAL_SLOTS, 2 * times.length)));
        }
        times[next] = timeMillis;
        int base = next * channels;
        for (int j = 0; j < channels; j++) {
            values[base + j] = observed[j] ? x[j] : Double.NaN;
        }
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    /** Re-lays the held observations out oldest first into {@code slots} slots; the next goes after them. */
    private void grow(int slots) {
        long[] t = new long[slots];
        double[] v = new double[slots * channels];
        for (int i = 0; i < size; i++) {
            int from = slot(i);
            t[i] = times[from];
            System.arraycopy(values, from * channels, v, i * channels, channels);
        }
        times = t;
        values = v;
        next = size;
    }

    /** The i-th oldest observation's slot, 0 ≤ i < size. */
    public int slot(int i) {
        return (next - size + i + times.length) % times.length;
    }

    public long time(int slot) {
        return times[slot];
    }

    /** Copies the slot's values into {@code x} and its mask into {@code observed} (NaN = missing). */
    public void read(int slot, double[] x, boolean[] observed) {
        int base = slot * channels;
        for (int j = 0; j < channels; j++) {
            double v = values[base + j];
            observed[j] = !Double.isNaN(v);
            x[j] = observed[j] ? v : 0.0;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentObservations r && r.channels == channels && r.size == size && r.next == next
                && Arrays.equals(r.times, times) && Arrays.equals(r.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(times) * 31 + size;
    }
}
