package io.odestream.job.forecast;

import io.odestream.alert.AlertPolicy;
import io.odestream.latent.MonitorSettings;
import io.odestream.registry.ArtifactVerifier;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;

/**
 * What {@link PosteriorUpdater} needs to know, shipped with the operator.
 *
 * @param modelId          the model lineage this job serves; artifacts of other lineages are ignored
 * @param recentCapacity   observations kept per series for re-encoding after a model swap
 * @param forecastSamples  Monte-Carlo samples per forecast when the request does not say
 * @param scoreSamples     Monte-Carlo samples for the anomaly score of each observation
 * @param alertPolicy      per-series calibration and hysteresis of anomaly alerts
 * @param keyTtl           a series silent (no record) for this long, in processing time, is forgotten
 * @param periodicEvery    emit a forecast per active series every this much event time; null = off
 * @param periodicHorizons horizons of periodic forecasts, after the series' last observation
 * @param verifier         signature check of model artifacts
 */
public record UpdaterSettings(String modelId, int recentCapacity, int forecastSamples, int scoreSamples,
                              AlertPolicy alertPolicy, Duration keyTtl, Duration periodicEvery,
                              Duration[] periodicHorizons, ArtifactVerifier verifier) implements Serializable {

    public UpdaterSettings {
        require(modelId != null && !modelId.isBlank(), "modelId must name the model lineage to serve");
        require(recentCapacity >= 1, "recentCapacity must be >= 1, got " + recentCapacity);
        require(forecastSamples >= 1 && scoreSamples >= 1, "forecast and score samples must be >= 1");
        require(alertPolicy != null, "alertPolicy is required");
        require(keyTtl != null && !keyTtl.isNegative() && !keyTtl.isZero(), "keyTtl must be > 0, got " + keyTtl);
        require(periodicEvery == null || (!periodicEvery.isNegative() && !periodicEvery.isZero()),
                "periodicEvery must be > 0 or null (off), got " + periodicEvery);
        periodicHorizons = periodicHorizons == null ? new Duration[0] : periodicHorizons.clone();
        require(periodicEvery == null || periodicHorizons.length > 0,
                "periodic forecasts need at least one horizon");
        require(verifier != null, "a verifier (trusted keys) is required: the job serves signed models only");
    }

    /** Defaults for everything but the lineage and the trusted keys. */
    public static UpdaterSettings defaults(String modelId, ArtifactVerifier verifier) {
        return new UpdaterSettings(modelId, 64, 64, 16, AlertPolicy.defaults(), Duration.ofHours(24), null,
                new Duration[0], verifier);
    }

    public UpdaterSettings withAlertPolicy(AlertPolicy policy) {
        return new UpdaterSettings(modelId, recentCapacity, forecastSamples, scoreSamples, policy, keyTtl,
                periodicEvery, periodicHorizons, verifier);
    }

    public UpdaterSettings withKeyTtl(Duration ttl) {
        return new UpdaterSettings(modelId, recentCapacity, forecastSamples, scoreSamples, alertPolicy, ttl,
                periodicEvery, periodicHorizons, verifier);
    }

    public UpdaterSettings withPeriodicForecasts(Duration every, Duration... horizons) {
        return new UpdaterSettings(modelId, recentCapacity, forecastSamples, scoreSamples, alertPolicy, keyTtl,
                every, horizons, verifier);
    }

    public UpdaterSettings withSamples(int forecast, int score) {
        return new UpdaterSettings(modelId, recentCapacity, forecast, score, alertPolicy, keyTtl,
                periodicEvery, periodicHorizons, verifier);
    }

    /** The alert policy, sample counts and recent capacity of {@code monitor}; the rest unchanged. */
    public UpdaterSettings withMonitor(MonitorSettings monitor) {
        return new UpdaterSettings(modelId, monitor.recentCapacity(), monitor.forecastSamples(), monitor.scoreSamples(),
                monitor.alertPolicy(), keyTtl, periodicEvery, periodicHorizons, verifier);
    }

    /** How the job watches each series; a series restarts after the default number of failures in a row. */
    public MonitorSettings monitor() {
        return new MonitorSettings(alertPolicy, scoreSamples, forecastSamples, recentCapacity);
    }

    public UpdaterSettings withRecentCapacity(int capacity) {
        return new UpdaterSettings(modelId, capacity, forecastSamples, scoreSamples, alertPolicy, keyTtl,
                periodicEvery, periodicHorizons, verifier);
    }

    @Override
    public Duration[] periodicHorizons() {
        return periodicHorizons.clone();
    }

    @Override
    public String toString() {
        return "UpdaterSettings[model=" + modelId + ", recent=" + recentCapacity + ", samples=" + forecastSamples
                + "/" + scoreSamples + ", " + alertPolicy + ", ttl=" + keyTtl + ", periodic=" + periodicEvery + " "
                + Arrays.toString(periodicHorizons) + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
