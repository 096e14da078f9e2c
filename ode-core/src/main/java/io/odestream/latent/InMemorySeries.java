package io.odestream.latent;

import io.odestream.alert.AlertTrack;

/**
 * A series kept in an ordinary object, for callers without a state backend: offline detectors,
 * the demo's replay, tests. It keeps no history, so a model change starts it afresh.
 */
public final class InMemorySeries implements MonitoredSeries {
    private final AlertTrack alerts;
    private FilterState state;
    private int failures;
    private LevelFrame frame;

    /** @param alerts the series' alert track; null for a series that is scored but not alerted on */
    public InMemorySeries(AlertTrack alerts) {
        this.alerts = alerts;
    }

    /** The filter state, whatever model it belongs to; null before the first observation. */
    public FilterState state() {
        return state;
    }

    @Override
    public FilterState filterState(String modelId, long modelVersion) {
        return state != null && state.modelVersion() == modelVersion && state.modelId().equals(modelId) ? state : null;
    }

    @Override
    public void store(FilterState next) {
        state = next;
    }

    @Override
    public void forgetFilterState() {
        state = null;
    }

    @Override
    public int consecutiveFailures() {
        return failures;
    }

    @Override
    public void consecutiveFailures(int failures) {
        this.failures = failures;
    }

    @Override
    public AlertTrack alerts() {
        return alerts;
    }

    @Override
    public SeriesHistory history() {
        return null;
    }

    @Override
    public LevelFrame levelFrame() {
        return frame;
    }

    @Override
    public void levelFrame(LevelFrame frame) {
        this.frame = frame;
    }
}
