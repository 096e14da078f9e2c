package io.odestream.job.shadow;

import io.odestream.alert.AlertTrack;
import io.odestream.job.ServingModel;
import io.odestream.latent.FilterState;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.MonitoredSeries;
import io.odestream.latent.SeriesHistory;

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
    /** Each state's carried solver steps ({@link FilterState#scoreStep}); 0 = none, as in state kept before them. */
    public double servedScoreStep;
    public double servedEncoderStep;
    public double shadowScoreStep;
    public double shadowEncoderStep;
    /** Event time of the newest observation applied to this series; an older one is skipped. */
    public long lastEventMillis = NONE;

    public ShadowSeriesState() {
    }

    /** The served model's state as the monitor sees it (not serialised: a view of the fields above). */
    final transient MonitoredSeries servedSeries = new Side(true);
    /** The candidate's state as the monitor sees it. */
    final transient MonitoredSeries shadowSeries = new Side(false);

    boolean belongsTo(ServingModel served, ServingModel shadow) {
        return servedHidden != null && shadowHidden != null && servedVersion == served.version()
                && shadowVersion == shadow.version();
    }

    void forgetStates() {
        servedVersion = NONE;
        shadowVersion = NONE;
        stateMillis = NONE;
        servedHidden = null;
        shadowHidden = null;
    }

    /**
     * One model's half of the pair. Both halves share origin and time; neither keeps an alert track
     * or history (shadow scores are compared, not alerted on), nor counts failures (the pair restarts
     * at its first).
     */
    private final class Side implements MonitoredSeries {
        private final boolean served;

        Side(boolean served) {
            this.served = served;
        }

        @Override
        public FilterState filterState(String modelId, long modelVersion) {
            double[] hidden = served ? servedHidden : shadowHidden;
            long version = served ? servedVersion : shadowVersion;
            return hidden == null || version != modelVersion ? null
                    : new FilterState(modelId, version, originMillis, stateMillis, hidden, null, null,
                            served ? servedScoreStep : shadowScoreStep, served ? servedEncoderStep : shadowEncoderStep);
        }

        @Override
        public void store(FilterState state) {
            originMillis = state.originMillis();
            stateMillis = state.timeMillis();
            if (served) {
                servedVersion = state.modelVersion();
                servedHidden = state.hidden();
                servedScoreStep = state.scoreStep();
                servedEncoderStep = state.encoderStep();
            } else {
                shadowVersion = state.modelVersion();
                shadowHidden = state.hidden();
                shadowScoreStep = state.scoreStep();
                shadowEncoderStep = state.encoderStep();
            }
        }

        @Override
        public void forgetFilterState() {
            if (served) {
                servedVersion = NONE;
                servedHidden = null;
            } else {
                shadowVersion = NONE;
                shadowHidden = null;
            }
        }

        @Override
        public int consecutiveFailures() {
            return 0;
        }

        @Override
        public void consecutiveFailures(int failures) {
        }

        @Override
        public AlertTrack alerts() {
            return null;
        }

        @Override
        public SeriesHistory history() {
            return null;
        }

        /** None: shadow evaluation compares both models on the data as it is (its monitor moves no frame). */
        @Override
        public LevelFrame levelFrame() {
            return null;
        }

        @Override
        public void levelFrame(LevelFrame frame) {
            // the shadow monitor's settings have no level shift, so nothing ever gives these series a frame
            throw new IllegalStateException("shadow evaluation compares models on the data as it is: no level frame");
        }
    }
}
