package io.odestream.latent;

/**
 * A series' most recent observations, oldest first: what {@link SeriesMonitor} re-encodes a series
 * from when the model changes. Implementations keep a bounded window and overwrite the oldest.
 */
public interface SeriesHistory {

    /** Observations held, at most the capacity. */
    int size();

    int channels();

    /** Event time of the i-th oldest observation, {@code 0 <= i < size}. */
    long timeOf(int i);

    /** Copies the i-th oldest observation into {@code x} and which channels it observed into {@code observed}. */
    void readInto(int i, double[] x, boolean[] observed);

    /**
     * Appends a copy of an observation (the caller may reuse {@code x} and {@code observed} after the
     * call); {@code observed[j] = false} keeps channel j as missing. At most
     * {@code capacity} are kept (the settings' {@link MonitorSettings#recentCapacity}); passed on each
     * call rather than stored, so an implementation can hold fewer while the series is young and grow
     * up to it without keeping the setting in its state.
     */
    void add(long timeMillis, double[] x, boolean[] observed, int capacity);
}
