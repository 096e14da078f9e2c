package io.odestream.dashboard;

import java.util.List;

/**
 * The most recent observations of one series: a fixed-capacity ring of times and per-channel
 * values in flat primitive arrays, so that adding a point on the consumer thread allocates nothing
 * and memory per series is bounded by {@code capacity × channels}. A missing channel is NaN.
 * Not thread-safe: {@link SeriesBoard} guards it.
 */
final class PointRing {
    private final int capacity;
    private final int channels;
    private final long[] times;
    private final double[] values;
    private int next;
    private int size;

    PointRing(int capacity, int channels) {
        if (capacity < 1 || channels < 1) {
            throw new IllegalArgumentException("capacity and channels must be >= 1, got " + capacity + ", " + channels);
        }
        this.capacity = capacity;
        this.channels = channels;
        this.times = new long[capacity];
        this.values = new double[capacity * channels];
    }

    int channels() {
        return channels;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Adds a point, dropping the oldest when full. Values beyond {@link #channels()} are not kept;
     * a null or absent channel is stored as NaN.
     */
    void add(long time, List<Double> channelValues) {
        int base = next * channels;
        int given = channelValues.size();
        for (int c = 0; c < channels; c++) {
            Double v = c < given ? channelValues.get(c) : null;
            values[base + c] = v == null ? Double.NaN : v;
        }
        times[next] = time;
        next = (next + 1) % capacity;
        if (size < capacity) {
            size++;
        }
    }

    /** Time of the i-th kept point, oldest first. */
    long time(int i) {
        return times[slot(i)];
    }

    /** Value of channel c of the i-th kept point, oldest first; NaN when not observed. */
    double value(int i, int c) {
        return values[slot(i) * channels + c];
    }

    private int slot(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("point " + i + " of " + size);
        }
        return (next - size + i + capacity) % capacity;
    }
}
