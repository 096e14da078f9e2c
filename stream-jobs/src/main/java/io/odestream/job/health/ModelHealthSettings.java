package io.odestream.job.health;

import java.io.Serializable;
import java.time.Duration;

/**
 * The guard on the served model's live error ({@link ModelHealthGuard}): a version is degraded when
 * its rolling forecast error stays above {@code errorFactor} times its reference level for
 * {@code sustainFor} of event time, after at least {@code minObservations} scored observations.
 *
 * @param errorFactor     k: how many times its reference level the rolling error may reach, > 1
 * @param sustainFor      N: how long (event time) the error must stay above k × reference, >= 0
 * @param minObservations scored observations of a version before it is judged, >= 1
 * @param smoothing       weight of each observation in the rolling (exponentially weighted) means, in (0, 1]
 * @param onDegraded      what happens besides the {@code MODEL_DEGRADED} alert
 * @param action          opens the rollback (or other action) of a degraded version inside the task;
 *                        null when {@code onDegraded} is {@link OnDegraded#ALERT}
 */
public record ModelHealthSettings(double errorFactor, Duration sustainFor, int minObservations, double smoothing,
                                  OnDegraded onDegraded, DegradedModelAction.Factory action) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The policy: {@code run --on-degraded alert|rollback}. */
    public enum OnDegraded {
        /** The alert only: an operator decides. */
        ALERT,
        /** The alert, and serving rolled back to the version before, pinned, recorded as the guard's change. */
        ROLLBACK
    }

    public ModelHealthSettings {
        if (!(errorFactor > 1 && Double.isFinite(errorFactor))) {
            throw new IllegalArgumentException("errorFactor must be a finite number > 1 (how many times its "
                    + "reference level the live error may reach), got " + errorFactor);
        }
        if (sustainFor == null || sustainFor.isNegative()) {
            throw new IllegalArgumentException("sustainFor must be a duration >= 0 (event time the error must stay "
                    + "high), got " + sustainFor);
        }
        if (minObservations < 1) {
            throw new IllegalArgumentException("minObservations must be >= 1, got " + minObservations);
        }
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("smoothing must be in (0, 1] (an observation's weight in the rolling "
                    + "means), got " + smoothing);
        }
        if (onDegraded == null) {
            throw new IllegalArgumentException("onDegraded is required: ALERT or ROLLBACK");
        }
        if (onDegraded != OnDegraded.ALERT && action == null) {
            throw new IllegalArgumentException("onDegraded " + onDegraded + " needs an action (the registry to "
                    + "roll back in)");
        }
    }

    /** k = 3 for 2 minutes, judged after 50 observations, each weighing 5 % in the rolling means; alert only. */
    public static ModelHealthSettings alertOnly() {
        return new ModelHealthSettings(3, Duration.ofMinutes(2), 50, 0.05, OnDegraded.ALERT, null);
    }

    public ModelHealthSettings withRule(double factor, Duration duration) {
        return new ModelHealthSettings(factor, duration, minObservations, smoothing, onDegraded, action);
    }

    public ModelHealthSettings withObservations(int min, double weight) {
        return new ModelHealthSettings(errorFactor, sustainFor, min, weight, onDegraded, action);
    }

    public ModelHealthSettings withPolicy(OnDegraded policy, DegradedModelAction.Factory factory) {
        return new ModelHealthSettings(errorFactor, sustainFor, minObservations, smoothing, policy, factory);
    }
}
