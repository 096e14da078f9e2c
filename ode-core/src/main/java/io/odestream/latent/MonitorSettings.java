package io.odestream.latent;

import io.odestream.alert.AlertPolicy;
import java.io.Serializable;

/**
 * How each series is watched, wherever it is watched (the stream job, shadow evaluation, offline
 * detectors): the alert policy, the Monte-Carlo sample counts and how much history a series keeps.
 *
 * @param alertPolicy     per-series calibration and hysteresis of anomaly alerts
 * @param scoreSamples    posterior samples for the anomaly score of each observation
 * @param forecastSamples posterior samples per forecast when the request does not say
 * @param recentCapacity  observations kept per series, to re-encode it under a new model
 */
public record MonitorSettings(AlertPolicy alertPolicy, int scoreSamples, int forecastSamples, int recentCapacity)
        implements Serializable {

    public MonitorSettings {
        if (alertPolicy == null) {
            throw new IllegalArgumentException("alertPolicy is required");
        }
        if (scoreSamples < 1 || forecastSamples < 1) {
            throw new IllegalArgumentException("score and forecast samples must be >= 1, got " + scoreSamples + " and "
                    + forecastSamples);
        }
        if (recentCapacity < 1) {
            throw new IllegalArgumentException("recentCapacity must be >= 1, got " + recentCapacity);
        }
    }

    /** The default policy, 16 samples per score, 64 per forecast, 64 recent observations. */
    public static MonitorSettings defaults() {
        return new MonitorSettings(AlertPolicy.defaults(), 16, 64, 64);
    }
}
