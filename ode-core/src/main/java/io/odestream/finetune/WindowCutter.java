package io.odestream.finetune;

import java.io.Serializable;

/**
 * Cuts one series' observations, as they arrive, into the training windows
 * {@link TrainingWindow#cutAll} would cut from the whole series: {@code length} observations
 * starting every {@code stride} observations (stride = length: disjoint windows). Observations
 * must arrive in time order; one older than the last is skipped and counted (a window needs
 * sorted times). Per event: no allocation but the emitted window. One cutter per series (keyed
 * state of the fine-tuning job).
 */
public final class WindowCutter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String seriesId;
    private final int length;
    private final int split;
    private final int stride;
    // Ring buffers of the last `length` observations; `next` is where the next one goes.
    private final long[] times;
    private final double[][] rows;
    private int next;
    private long accepted;
    private long outOfOrder;

    public WindowCutter(String seriesId, int channels, int length, int split, int stride) {
        if (channels < 1 || length < 2 || split < 1 || split >= length || stride < 1) {
            throw new IllegalArgumentException("a window cutter needs channels >= 1, length >= 2, 1 <= split < length "
                    + "and stride >= 1; got channels " + channels + ", length " + length + ", split " + split
                    + ", stride " + stride);
        }
        this.seriesId = seriesId;
        this.length = length;
        this.split = split;
        this.stride = stride;
        this.times = new long[length];
        this.rows = new double[length][channels];
    }

    /**
     * Buffers an observation ({@code values} in data units, NaN = missing; copied) and returns the
     * window it completes, or null.
     */
    public TrainingWindow offer(long timeMillis, double[] values) {
        if (values.length != rows[0].length) {
            throw new IllegalArgumentException("series '" + seriesId + "': an observation with " + values.length
                    + " values, the cutter was made for " + rows[0].length + " channels");
        }
        if (accepted > 0 && timeMillis < times[(next + length - 1) % length]) {
            outOfOrder++;
            return null;
        }
        times[next] = timeMillis;
        System.arraycopy(values, 0, rows[next], 0, values.length);
        next = (next + 1) % length;
        accepted++;
        // The windows TrainingWindow.cutAll cuts from the whole series: starts 0, stride, 2 stride, …
        if (accepted < length || (accepted - length) % stride != 0) {
            return null;
        }
        long[] windowTimes = new long[length];
        double[][] windowRows = new double[length][];
        for (int k = 0; k < length; k++) {
            int slot = (next + k) % length; // the oldest buffered observation first
            windowTimes[k] = times[slot];
            windowRows[k] = rows[slot];
        }
        return new TrainingWindow(seriesId, windowTimes, windowRows, split); // copies the rows
    }

    /** Observations skipped because they were older than the one before. */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Observations buffered so far. */
    public long accepted() {
        return accepted;
    }
}
