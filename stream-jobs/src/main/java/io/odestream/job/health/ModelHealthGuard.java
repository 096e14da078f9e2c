package io.odestream.job.health;

import java.util.Locale;

/**
 * The live health of the served version on one subtask: exponentially weighted means of the
 * forecast error (mean absolute error of the predictive mean over an observation's channels) and
 * of the negative log predictive density, over the observations it scored, and the rule that
 * finds it degraded: the rolling error above {@code k} × its reference level continuously for
 * {@code N} of event time ({@link ModelHealthSettings}). Bounded: a dozen numbers, whatever the
 * traffic; no allocation per observation.
 *
 * <p>The reference level is the version's validation error when its artifact has one (the
 * held-out forecast MAE, {@code heldout_mae}), otherwise the rolling error the previous version
 * had on this subtask when it was replaced; a version with neither is watched but never judged.
 * A version is found degraded once; a new version starts afresh.
 */
public final class ModelHealthGuard {
    private static final long NONE = Long.MIN_VALUE;

    private final ModelHealthSettings settings;
    private long version = NONE;
    private double reference = Double.NaN;
    private String referenceSource = "none";
    private long observations;
    private double error = Double.NaN;
    private double nll = Double.NaN;
    private long aboveSince = NONE;
    private boolean degraded;

    public ModelHealthGuard(ModelHealthSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required: ModelHealthSettings.alertOnly() to start");
        }
        this.settings = settings;
    }

    /**
     * The version that scores from now on. A new version takes its reference level from
     * {@code validationError} (finite and > 0) or else from the rolling error of the version it
     * replaces, when that one was judged and found healthy; the same version again changes nothing.
     */
    public void serve(long newVersion, double validationError) {
        if (newVersion == version) {
            return;
        }
        double previous = version != NONE && !degraded && observations >= settings.minObservations()
                ? error : Double.NaN;
        long previousVersion = version;
        version = newVersion;
        if (validationError > 0 && Double.isFinite(validationError)) {
            reference = validationError;
            referenceSource = "its held-out MAE";
        } else if (previous > 0) {
            reference = previous;
            referenceSource = "the live error of v" + previousVersion;
        } else {
            reference = Double.NaN;
            referenceSource = "none";
        }
        observations = 0;
        error = Double.NaN;
        nll = Double.NaN;
        aboveSince = NONE;
        degraded = false;
    }

    /**
     * One observation scored by the served version, at {@code eventTimeMillis}: its mean absolute
     * error and negative log density. Non-finite numbers are skipped.
     *
     * @return true exactly once per version: when this observation makes it degraded
     */
    public boolean observe(long eventTimeMillis, double absError, double negativeLogDensity) {
        if (version == NONE || !Double.isFinite(absError) || !Double.isFinite(negativeLogDensity)) {
            return false;
        }
        observations++;
        double w = observations == 1 ? 1 : settings.smoothing();
        error = observations == 1 ? absError : error + w * (absError - error);
        nll = observations == 1 ? negativeLogDensity : nll + w * (negativeLogDensity - nll);
        if (degraded || !(reference > 0) || observations < settings.minObservations()) {
            return false;
        }
        if (error <= settings.errorFactor() * reference) {
            aboveSince = NONE;
            return false;
        }
        if (aboveSince == NONE || eventTimeMillis < aboveSince) {
            aboveSince = eventTimeMillis;
        }
        if (eventTimeMillis - aboveSince >= settings.sustainFor().toMillis()) {
            degraded = true;
            return true;
        }
        return false;
    }

    /** The served version's state in words, with the numbers the rule used. */
    public String describe() {
        return String.format(Locale.ROOT, "v%d rolling error %.4g (%.1f x its reference %.4g, %s; limit %.1f x "
                        + "for %s), rolling NLL %.4g nats, over %d observations", version, error, error / reference,
                reference, referenceSource, settings.errorFactor(), settings.sustainFor(), nll, observations);
    }

    public long version() {
        return version;
    }

    /** The rolling mean absolute error; NaN before the first observation. */
    public double error() {
        return error;
    }

    /** The rolling negative log predictive density; NaN before the first observation. */
    public double nll() {
        return nll;
    }

    /** The level k is applied to; NaN when the version is not judged. */
    public double reference() {
        return reference;
    }

    public boolean degraded() {
        return degraded;
    }
}
