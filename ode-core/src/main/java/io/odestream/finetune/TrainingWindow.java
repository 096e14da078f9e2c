package io.odestream.finetune;

import io.odestream.latent.LatentOdeTraining;
import java.util.ArrayList;
import java.util.List;

/**
 * One training window of one series: {@code length} consecutive observations (epoch-ms times,
 * values in data units, NaN = missing), the first {@code split} of them the context and the rest
 * the horizon, the convention of {@link LatentOdeTraining.Config#windowLength()} and
 * {@link LatentOdeTraining.Config#split()}. Immutable (copies in, copies out).
 */
public final class TrainingWindow {
    private final String seriesId;
    private final long[] timesMillis;
    private final double[][] values;
    private final int split;

    public TrainingWindow(String seriesId, long[] timesMillis, double[][] values, int split) {
        if (seriesId == null || seriesId.isEmpty()) {
            throw new IllegalArgumentException("seriesId must be a non-empty id (the key the window was cut from)");
        }
        if (timesMillis == null || values == null || timesMillis.length != values.length) {
            throw new IllegalArgumentException("window of '" + seriesId + "' needs one value row per time: "
                    + (timesMillis == null ? "no" : timesMillis.length) + " times, "
                    + (values == null ? "no" : values.length) + " rows");
        }
        int n = timesMillis.length;
        if (split < 1 || split >= n) {
            throw new IllegalArgumentException("window of '" + seriesId + "': split must leave at least one context and "
                    + "one horizon observation, got split " + split + " of " + n + " observations");
        }
        int channels = values[0] == null ? 0 : values[0].length;
        if (channels < 1) {
            throw new IllegalArgumentException("window of '" + seriesId + "': rows need at least one channel");
        }
        this.values = new double[n][];
        for (int k = 0; k < n; k++) {
            if (values[k] == null || values[k].length != channels) {
                throw new IllegalArgumentException("window of '" + seriesId + "': row " + k + " has "
                        + (values[k] == null ? 0 : values[k].length) + " values, row 0 has " + channels);
            }
            if (k > 0 && timesMillis[k] < timesMillis[k - 1]) {
                throw new IllegalArgumentException("window of '" + seriesId + "': times must not decrease, "
                        + "observation " + k + " (" + timesMillis[k] + ") is before " + timesMillis[k - 1]
                        + "; sort the series first");
            }
            this.values[k] = values[k].clone();
        }
        this.seriesId = seriesId;
        this.timesMillis = timesMillis.clone();
        this.split = split;
    }

    /**
     * The window of {@code config.windowLength()} observations of {@code series} from observation
     * {@code start}, split at {@code config.split()}.
     */
    public static TrainingWindow cut(String seriesId, LatentOdeTraining.Series series, int start,
                                     LatentOdeTraining.Config config) {
        int n = config.windowLength();
        int available = series.timesMillis().length;
        if (start < 0 || start + n > available) {
            throw new IllegalArgumentException("start " + start + " does not leave a window of " + n
                    + " observations in series '" + seriesId + "' of " + available);
        }
        long[] times = java.util.Arrays.copyOfRange(series.timesMillis(), start, start + n);
        double[][] rows = java.util.Arrays.copyOfRange(series.values(), start, start + n);
        return new TrainingWindow(seriesId, times, rows, config.split());
    }

    /**
     * Every window of {@code series} whose start is a multiple of {@code stride} observations
     * (stride = window length: disjoint windows; smaller: overlapping ones).
     */
    public static List<TrainingWindow> cutAll(String seriesId, LatentOdeTraining.Series series,
                                              LatentOdeTraining.Config config, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be >= 1 observation, got " + stride);
        }
        List<TrainingWindow> windows = new ArrayList<>();
        for (int start = 0; start + config.windowLength() <= series.timesMillis().length; start += stride) {
            windows.add(cut(seriesId, series, start, config));
        }
        return windows;
    }

    public String seriesId() {
        return seriesId;
    }

    /** Observations in the window (context + horizon). */
    public int length() {
        return timesMillis.length;
    }

    /** Context observations (the rest is the horizon). */
    public int split() {
        return split;
    }

    public int channels() {
        return values[0].length;
    }

    /** Time of the first observation: with the series id, what identifies the window. */
    public long startMillis() {
        return timesMillis[0];
    }

    public long endMillis() {
        return timesMillis[timesMillis.length - 1];
    }

    public long timeMillis(int k) {
        return timesMillis[k];
    }

    /** Value of observation k, channel c (data units, NaN = missing). */
    public double value(int k, int channel) {
        return values[k][channel];
    }

    /**
     * The window as a series of exactly one window's length, so that {@link LatentOdeTraining}
     * (which cuts windows at random starts of its series) trains on exactly this window.
     */
    public LatentOdeTraining.Series asSeries() {
        double[][] rows = new double[values.length][];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = values[k].clone();
        }
        return new LatentOdeTraining.Series(timesMillis.clone(), rows);
    }

    @Override
    public String toString() {
        return "TrainingWindow[" + seriesId + " @" + timesMillis[0] + ", " + timesMillis.length + " obs, split "
                + split + "]";
    }
}
