package io.odestream.job.forecast;

import io.odestream.latent.FilterState;
import io.odestream.latent.ForecastQuery;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.Prediction;

/**
 * A forecast the per-series operator has prepared but not computed: the series' filter state, the
 * query and the model version (with its checksum, so that the batcher uses exactly the artifact the
 * updater admitted). A Flink POJO: public fields, a no-argument constructor.
 */
public class PendingForecast {
    public String requestId;
    public String seriesId;
    public String modelId;
    public long modelVersion;
    public String modelChecksum;
    public long originMillis;
    public long stateMillis;
    public double[] hidden;
    /** The series' last observed values and their times, for the model's observation skip (null: unknown). */
    public double[] lastValues;
    public long[] lastObservedMillis;
    /** The step sizes the series' state carries ({@link FilterState#scoreStep}): kept so its state goes round whole. */
    public double scoreStep;
    public double encoderStep;
    public long[] queryTimesMillis;
    public int samples;
    public long seed;
    /** The shifts of the series' level frame when its state was taken, added back to the forecast; null: none. */
    public double[] levelShift;

    public PendingForecast() {
    }

    PendingForecast(String requestId, String seriesId, String modelChecksum, FilterState state, long[] queryTimesMillis,
                    int samples, long seed) {
        this.requestId = requestId;
        this.seriesId = seriesId;
        this.modelId = state.modelId();
        this.modelVersion = state.modelVersion();
        this.modelChecksum = modelChecksum;
        this.originMillis = state.originMillis();
        this.stateMillis = state.timeMillis();
        this.hidden = state.hidden();
        this.lastValues = state.lastValues();
        this.lastObservedMillis = state.lastObservedMillis();
        this.scoreStep = state.scoreStep();
        this.encoderStep = state.encoderStep();
        this.queryTimesMillis = queryTimesMillis.clone();
        this.samples = samples;
        this.seed = seed;
    }

    /** This forecast of a series whose state is in {@code frame} (null or unshifted: none), which its answer adds back. */
    PendingForecast inFrame(LevelFrame frame) {
        levelShift = frame == null ? null : frame.shiftOrNull();
        return this;
    }

    /** A prediction answering this forecast, in the data's units. */
    Prediction unshifted(Prediction p) {
        return LevelFrame.unshifted(p, levelShift);
    }

    ForecastQuery query() {
        return new ForecastQuery(new FilterState(modelId, modelVersion, originMillis, stateMillis, hidden,
                lastValues, lastObservedMillis, scoreStep, encoderStep),
                queryTimesMillis, samples, seed);
    }
}
