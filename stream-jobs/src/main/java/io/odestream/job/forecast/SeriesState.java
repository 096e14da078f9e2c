package io.odestream.job.forecast;

import io.odestream.alert.AlertTrack;
import io.odestream.latent.FilterState;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.MonitoredSeries;
import io.odestream.latent.SeriesHistory;

/**
 * Everything the job keeps for one series (Flink keyed state, a POJO so that heap and RocksDB
 * backends serialise it without Kryo): the latent-ODE filter state, the recent observations it can
 * be rebuilt from, the alerting track and the bookkeeping for timers.
 */
public final class SeriesState implements MonitoredSeries {
    public static final long NONE = Long.MIN_VALUE;

    /** Model the filter state belongs to; null while no model has encoded this series. */
    public String modelId;
    public long modelVersion;
    public long originMillis;
    /** Time of the filter state (last observation it absorbed). */
    public long stateMillis = NONE;
    public double[] hidden;
    /**
     * Per channel the last observed value (NaN: never) and when, what a model's observation skip
     * combines with its forecast; null in state kept before they were (the next update starts them).
     */
    public double[] lastValues;
    public long[] lastObservedMillis;
    /**
     * The step sizes the filter's last score and encoder solves ended with, where the next ones start
     * ({@link FilterState#scoreStep}); 0 = none, as in state kept before they were (a fresh first-step guess).
     */
    public double scoreStep;
    public double encoderStep;

    /** Event time of the newest observation applied to this series (with or without a model). */
    public long lastEventMillis = NONE;
    public long observations;
    /** Updates that failed in a row (solver failures); reset by a successful one. */
    public int consecutiveFailures;
    public RecentObservations recent;
    /**
     * The channel names of {@code recent} while it was filled before any model was served (the series'
     * first observation's names, null when it had none); null once a model serves the series, whose
     * order the history then has.
     */
    public String[] recentChannels;
    public AlertTrack alerts;
    /**
     * What the model sees of the series' values when their level has left its training range
     * ({@link io.odestream.latent.LevelShift}); null until the series' first observation under a model
     * (and in state kept before frames were).
     */
    public LevelFrame level;

    /** Processing time of the last record for this series: drives expiry. */
    public long lastSeenProcessingMillis;
    /** The registered expiry (processing-time) timer, or NONE. */
    public long expiryTimer = NONE;
    /** The registered periodic-forecast (event-time) timer, or NONE. */
    public long periodicTimer = NONE;

    public SeriesState() {
    }

    boolean encodedBy(String id, long version) {
        return hidden != null && version == modelVersion && id.equals(modelId);
    }

    @Override
    public FilterState filterState(String id, long version) {
        return encodedBy(id, version)
                ? new FilterState(modelId, modelVersion, originMillis, stateMillis, hidden, lastValues, lastObservedMillis,
                        scoreStep, encoderStep)
                : null;
    }

    @Override
    public void store(FilterState state) {
        modelId = state.modelId();
        modelVersion = state.modelVersion();
        originMillis = state.originMillis();
        stateMillis = state.timeMillis();
        hidden = state.hidden();
        lastValues = state.lastValues();
        lastObservedMillis = state.lastObservedMillis();
        scoreStep = state.scoreStep();
        encoderStep = state.encoderStep();
    }

    @Override
    public void forgetFilterState() {
        modelId = null;
        hidden = null;
        lastValues = null;
        lastObservedMillis = null;
        scoreStep = 0.0;
        encoderStep = 0.0;
        stateMillis = NONE;
    }

    @Override
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    @Override
    public void consecutiveFailures(int failures) {
        consecutiveFailures = failures;
    }

    @Override
    public AlertTrack alerts() {
        return alerts;
    }

    @Override
    public SeriesHistory history() {
        return recent;
    }

    @Override
    public LevelFrame levelFrame() {
        return level;
    }

    @Override
    public void levelFrame(LevelFrame frame) {
        level = frame;
    }
}
