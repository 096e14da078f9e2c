package io.odestream.job.forecast;

import io.odestream.latent.SeriesHistory;
import java.util.Arrays;

/**
 * A series' most recent observations, oldest overwritten first: what the series is re-encoded from
 * after a model swap (and what fine-tuning windows are cut from). A Flink POJO: public fields of
 * primitive arrays, so the state serializer stays fast and schema-evolvable; missing channels are
 * stored as NaN.
 */
public final class RecentObservations implements SeriesHistory {
    /** Event times, epoch ms; slot i holds the observation with values[i*channels ...]. */
    public long[] times;
    public double[] values;
    public int channels;
    public int size;
    /** Slot the next observation goes to. */
    public int next;

    public RecentObservations() {
    }

    public RecentObservations(int capacity, int channels) {
        if (capacity < 1 || channels < 1) {
            throw new IllegalArgumentException("recent-observation capacity and channels must be >= 1, got "
                    + capacity + " and " + channels);
        }
        this.times = new long[capacity];
        this.values = new double[capacity * channels];
        this.channels = channels;
    }

    public int capacity() {
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

    /** Appends one observation; {@code observed[j] = false} stores channel j as missing. */
    @Override
    public void add(long timeMillis, double[] x, boolean[] observed) {
        times[next] = timeMillis;
        int base = next * channels;
        for (int j = 0; j < channels; j++) {
            values[base + j] = observed[j] ? x[j] : Double.NaN;
        }
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
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
