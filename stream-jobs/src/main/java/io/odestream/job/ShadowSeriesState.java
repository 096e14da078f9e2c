package io.odestream.job;

import io.odestream.latent.FilterState;

/**
 * One shadowed series' two filter states, served and candidate (Flink keyed state, a POJO). Both
 * start at the same observation and absorb the same ones, so they share origin and time; when
 * either model changes both start again, so every score compares the two on equal terms.
 */
public final class ShadowSeriesState {
    public static final long NONE = Long.MIN_VALUE;

    /** Versions the states belong to; NONE while the series has no states. */
    public long servedVersion = NONE;
    public long shadowVersion = NONE;
    public long originMillis;
    /** Time of both states (last observation they absorbed). */
    public long stateMillis = NONE;
    public double[] servedHidden;
    public double[] shadowHidden;
    /** Event time of the newest observation applied to this series; an older one is skipped. */
    public long lastEventMillis = NONE;

    public ShadowSeriesState() {
    }

    boolean belongsTo(ServingModel served, ServingModel shadow) {
        return servedHidden != null && shadowHidden != null && servedVersion == served.version()
                && shadowVersion == shadow.version();
    }

    FilterState served(ServingModel served) {
        return new FilterState(served.modelId(), servedVersion, originMillis, stateMillis, servedHidden);
    }

    FilterState shadow(ServingModel shadow) {
        return new FilterState(shadow.modelId(), shadowVersion, originMillis, stateMillis, shadowHidden);
    }

    void store(FilterState served, FilterState shadow) {
        servedVersion = served.modelVersion();
        shadowVersion = shadow.modelVersion();
        originMillis = served.originMillis();
        stateMillis = served.timeMillis();
        servedHidden = served.hidden();
        shadowHidden = shadow.hidden();
    }

    void forgetStates() {
        servedVersion = NONE;
        shadowVersion = NONE;
        stateMillis = NONE;
        servedHidden = null;
        shadowHidden = null;
    }
}
