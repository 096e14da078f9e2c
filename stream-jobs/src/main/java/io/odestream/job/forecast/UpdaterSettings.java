package io.odestream.job.forecast;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.ZPool;
import io.odestream.job.health.ModelHealthSettings;
import io.odestream.latent.LevelShift;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.SeriesMonitor;
import io.odestream.registry.ArtifactVerifier;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;

/**
 * What {@link PosteriorUpdater} needs to know, shipped with the operator.
 *
 * @param modelId          the model lineage this job serves; artifacts of other lineages are ignored
 * @param monitor          how each series is watched: alert policy, Monte-Carlo samples per score and
 *                         per forecast (when the request does not say), recent observations kept for
 *                         re-encoding after a model swap, the solver-failure restart rule
 * @param keyTtl           a series silent (no record) for this long, in processing time, is forgotten
 * @param periodicEvery    emit a forecast per active series every this much event time; null = off
 * @param periodicHorizons horizons of periodic forecasts, after the series' last observation
 * @param verifier         signature check of model artifacts
 * @param health           the guard on the served version's live error ({@link ServedModelHealth}); null = off
 * @param residualFlow     the flow anomaly scorer every per-series monitor scores with, as its file's
 *                         bytes; null: the Gaussian predictive density's score
 */
public record UpdaterSettings(String modelId, MonitorSettings monitor, Duration keyTtl, Duration periodicEvery,
                              Duration[] periodicHorizons, ArtifactVerifier verifier, ModelHealthSettings health,
                              ResidualFlowFile residualFlow)
        implements Serializable {

    public UpdaterSettings {
        require(modelId != null && !modelId.isBlank(), "modelId must name the model lineage to serve");
        require(monitor != null, "monitor settings are required");
        require(keyTtl != null && !keyTtl.isNegative() && !keyTtl.isZero(), "keyTtl must be > 0, got " + keyTtl);
        require(periodicEvery == null || (!periodicEvery.isNegative() && !periodicEvery.isZero()),
                "periodicEvery must be > 0 or null (off), got " + periodicEvery);
        periodicHorizons = periodicHorizons == null ? new Duration[0] : periodicHorizons.clone();
        require(periodicEvery == null || periodicHorizons.length > 0,
                "periodic forecasts need at least one horizon");
        require(verifier != null, "a verifier (trusted keys) is required: the job serves signed models only");
    }

    /** Without the health guard, scoring with the Gaussian predictive density. */
    public UpdaterSettings(String modelId, MonitorSettings monitor, Duration keyTtl, Duration periodicEvery,
                           Duration[] periodicHorizons, ArtifactVerifier verifier) {
        this(modelId, monitor, keyTtl, periodicEvery, periodicHorizons, verifier, null, null);
    }

    public UpdaterSettings withHealthGuard(ModelHealthSettings guard) {
        return new UpdaterSettings(modelId, monitor, keyTtl, periodicEvery, periodicHorizons, verifier, guard,
                residualFlow);
    }

    /** Defaults for everything but the lineage and the trusted keys. */
    public static UpdaterSettings defaults(String modelId, ArtifactVerifier verifier) {
        return new UpdaterSettings(modelId, MonitorSettings.defaults().withLevelShift(LevelShift.defaults()),
                Duration.ofHours(24), null, new Duration[0],
                verifier);
    }

    public int recentCapacity() {
        return monitor.recentCapacity();
    }

    public int forecastSamples() {
        return monitor.forecastSamples();
    }

    public int scoreSamples() {
        return monitor.scoreSamples();
    }

    public AlertPolicy alertPolicy() {
        return monitor.alertPolicy();
    }

    public UpdaterSettings withMonitor(MonitorSettings settings) {
        return new UpdaterSettings(modelId, settings, keyTtl, periodicEvery, periodicHorizons, verifier, health,
                residualFlow);
    }

    public UpdaterSettings withAlertPolicy(AlertPolicy policy) {
        return withMonitor(monitor.withAlertPolicy(policy));
    }

    public UpdaterSettings withSamples(int forecast, int score) {
        return withMonitor(new MonitorSettings(monitor.alertPolicy(), score, forecast, monitor.recentCapacity(),
                monitor.restartAfterFailures(), monitor.scoreMode(), monitor.pooledWarmUp(), monitor.levelShift()));
    }

    public UpdaterSettings withRecentCapacity(int capacity) {
        return withMonitor(new MonitorSettings(monitor.alertPolicy(), monitor.scoreSamples(),
                monitor.forecastSamples(), capacity, monitor.restartAfterFailures(), monitor.scoreMode(),
                monitor.pooledWarmUp(), monitor.levelShift()));
    }

    public UpdaterSettings withKeyTtl(Duration ttl) {
        return new UpdaterSettings(modelId, monitor, ttl, periodicEvery, periodicHorizons, verifier, health,
                residualFlow);
    }

    public UpdaterSettings withPeriodicForecasts(Duration every, Duration... horizons) {
        return new UpdaterSettings(modelId, monitor, keyTtl, every, horizons, verifier, health, residualFlow);
    }

    /** Scores with the flow {@code flow} holds instead of the Gaussian density; null: the Gaussian again. */
    public UpdaterSettings withResidualFlow(ResidualFlowFile flow) {
        return new UpdaterSettings(modelId, monitor, keyTtl, periodicEvery, periodicHorizons, verifier, health, flow);
    }

    /** A per-series monitor as these settings say: with a scorer of its own when a flow is configured. */
    public SeriesMonitor newMonitor() {
        return new SeriesMonitor(monitor, residualFlow == null ? null : residualFlow.newScorer());
    }

    /** As {@link #newMonitor()}, its warm-up judged from {@code pool} (null: the plain largest |z|). */
    public SeriesMonitor newMonitor(ZPool pool) {
        return new SeriesMonitor(monitor, residualFlow == null ? null : residualFlow.newScorer(), pool);
    }

    @Override
    public Duration[] periodicHorizons() {
        return periodicHorizons.clone();
    }

    @Override
    public String toString() {
        return "UpdaterSettings[model=" + modelId + ", " + monitor + ", ttl=" + keyTtl + ", periodic="
                + periodicEvery + " " + Arrays.toString(periodicHorizons) + ", health=" + health
                + (residualFlow == null ? "" : ", scorer=" + residualFlow) + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
