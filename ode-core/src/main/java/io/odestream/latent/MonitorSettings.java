package io.odestream.latent;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import java.io.Serializable;

/**
 * How each series is watched, wherever it is watched (the stream job, shadow evaluation, offline
 * detectors): the alert policy, how scores integrate the posterior (Monte-Carlo sample counts, or
 * sigma points) and how much history a series keeps.
 *
 * @param alertPolicy     per-series calibration and hysteresis of anomaly alerts
 * @param scoreSamples    posterior samples for the anomaly score of each observation
 * @param forecastSamples posterior samples per forecast when the request does not say
 * @param recentCapacity  observations kept per series, to re-encode it under a new model
 * @param restartAfterFailures after this many failed updates in a row a series restarts from the
 *                        observation that failed; before that it keeps its last good state (1: restart
 *                        at the first failure)
 * @param scoreMode       how each score integrates the posterior: {@code scoreSamples} Monte-Carlo
 *                        samples, or the posterior's sigma points ({@link ScoreMode}, the default)
 * @param pooledWarmUp    the warm-up rule on the conditional z pooled over the monitor's series
 *                        ({@link io.odestream.alert.ZPool}); null: the plain largest |z| (or raw score)
 * @param levelShift      when a series whose level has left its model's training range moves its frame
 *                        ({@link LevelShift}); null: never, the model sees the data as it is
 */
public record MonitorSettings(AlertPolicy alertPolicy, int scoreSamples, int forecastSamples, int recentCapacity,
                              int restartAfterFailures, ScoreMode scoreMode, PooledWarmUp pooledWarmUp,
                              LevelShift levelShift)
        implements Serializable {
    /**
     * The stream job's rule: a failure usually comes from the gap since the last good state, which
     * only grows, so after a few the series starts again rather than failing on every event.
     */
    public static final int DEFAULT_RESTART_AFTER_FAILURES = 3;

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
        if (restartAfterFailures < 1) {
            throw new IllegalArgumentException("restartAfterFailures must be >= 1 (1 = restart at the first failure), got "
                    + restartAfterFailures);
        }
        if (scoreMode == null) {
            throw new IllegalArgumentException("scoreMode is required (MONTE_CARLO or SIGMA_POINTS)");
        }
    }

    /** Without the pooled warm-up rule, and without level shifts. */
    public MonitorSettings(AlertPolicy alertPolicy, int scoreSamples, int forecastSamples, int recentCapacity,
                           int restartAfterFailures, ScoreMode scoreMode) {
        this(alertPolicy, scoreSamples, forecastSamples, recentCapacity, restartAfterFailures, scoreMode, null, null);
    }

    /**
     * Sigma-point scores ({@link ScoreMode#SIGMA_POINTS}, the default: deterministic, cheaper than 16
     * samples for the demo model, and better on NAB, docs/RESULTS.md); {@code scoreSamples} serve a
     * {@link #withScoreMode} to Monte Carlo.
     */
    public MonitorSettings(AlertPolicy alertPolicy, int scoreSamples, int forecastSamples, int recentCapacity,
                           int restartAfterFailures) {
        this(alertPolicy, scoreSamples, forecastSamples, recentCapacity, restartAfterFailures, ScoreMode.SIGMA_POINTS);
    }

    /** Settings that restart a series after {@link #DEFAULT_RESTART_AFTER_FAILURES} failures in a row. */
    public MonitorSettings(AlertPolicy alertPolicy, int scoreSamples, int forecastSamples, int recentCapacity) {
        this(alertPolicy, scoreSamples, forecastSamples, recentCapacity, DEFAULT_RESTART_AFTER_FAILURES);
    }

    public MonitorSettings withRestartAfterFailures(int failures) {
        return new MonitorSettings(alertPolicy, scoreSamples, forecastSamples, recentCapacity, failures, scoreMode,
                pooledWarmUp, levelShift);
    }

    public MonitorSettings withScoreMode(ScoreMode mode) {
        return new MonitorSettings(alertPolicy, scoreSamples, forecastSamples, recentCapacity, restartAfterFailures,
                mode, pooledWarmUp, levelShift);
    }

    /** These settings with the pooled warm-up rule ({@code pooled}; null: off). */
    public MonitorSettings withPooledWarmUp(PooledWarmUp pooled) {
        return new MonitorSettings(alertPolicy, scoreSamples, forecastSamples, recentCapacity, restartAfterFailures,
                scoreMode, pooled, levelShift);
    }

    /** These settings with another alert policy. */
    public MonitorSettings withAlertPolicy(AlertPolicy policy) {
        return new MonitorSettings(policy, scoreSamples, forecastSamples, recentCapacity, restartAfterFailures,
                scoreMode, pooledWarmUp, levelShift);
    }

    /** These settings with {@code rule} moving the frames of series whose level leaves the model's range (null: off). */
    public MonitorSettings withLevelShift(LevelShift rule) {
        return new MonitorSettings(alertPolicy, scoreSamples, forecastSamples, recentCapacity, restartAfterFailures,
                scoreMode, pooledWarmUp, rule);
    }

    /**
     * The default policy, sigma-point scores (16 samples per score if switched to Monte Carlo), 64
     * samples per forecast, 64 recent observations.
     */
    public static MonitorSettings defaults() {
        return new MonitorSettings(AlertPolicy.defaults(), 16, 64, 64);
    }
}
