package io.odestream.latent;

import io.odestream.alert.AlertTrack;

/**
 * What {@link SeriesMonitor} reads and writes of one series, wherever the series is kept: Flink keyed
 * state in the stream job, a plain object offline ({@link InMemorySeries}). The monitor is shared by
 * many series; everything that belongs to one series lives behind this interface.
 */
public interface MonitoredSeries {

    /** The filter state when it belongs to this model lineage and version; null otherwise (or none yet). */
    FilterState filterState(String modelId, long modelVersion);

    void store(FilterState state);

    /** Drops the filter state: the next observation re-encodes the series or starts it afresh. */
    void forgetFilterState();

    /** Updates that failed in a row since the last good one. */
    int consecutiveFailures();

    void consecutiveFailures(int failures);

    /** The series' alert calibration and incident; null when the series is scored but never alerted on. */
    AlertTrack alerts();

    /** The recent observations a new model re-encodes the series from; null when the series keeps none. */
    SeriesHistory history();

    /** The series' frame under the settings' {@link LevelShift}; null until the monitor gives it one. */
    LevelFrame levelFrame();

    void levelFrame(LevelFrame frame);
}
