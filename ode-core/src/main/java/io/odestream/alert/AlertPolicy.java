package io.odestream.alert;

import java.util.Arrays;

/**
 * Turns one series' stream of raw anomaly scores (negative log predictive density; NaN = nothing
 * observed) into a calibrated anomaly probability and alert decisions with hysteresis, so one
 * incident is one alert, not a hundred.
 *
 * <p><b>Calibration.</b> A raw density score means different things on different series (a noisy
 * series has high scores all the time), so each score is judged against the series' own recent
 * scores: its tail probability among the last {@code window} of them,
 * {@code p = (1 + #{recent ≥ score}) / (n + 1)}, the conformal p-value. If the scores are
 * exchangeable (a stationary series) then {@code P(p ≤ alpha) ≤ alpha} exactly, whatever their
 * distribution, so {@code alpha} is the false-alarm rate per score on a well-behaved series. The
 * anomaly probability is {@code 1 − p}. The score is judged <i>before</i> it joins the sample, so the
 * stream is processed strictly online.
 *
 * <p><b>Tail.</b> The empirical p cannot go below 1/(n+1), so alone it cannot tell a score just above
 * the recent maximum from one far above it, nor support a false-alarm rate below 1/window. With
 * {@code tailSize = k > 0}, a score above the k-th largest recent score u gets
 * {@code p = min(p_empirical, k/(n+1) · exp(−(score − u)/β))}, β the mean excess of the top k over u:
 * peaks over threshold with an exponential tail (the Gumbel-domain case of SPOT, Siffer et al.,
 * KDD 2017). For negative log densities the exponential tail is also what a calibrated Gaussian
 * predictive gives (P(z²/2 > u + Δ) ≈ P(z²/2 > u)·e^{−Δ}). So alpha can be far below 1/window.
 *
 * <p><b>Warm-up.</b> With fewer than {@code minHistory} scores the tail probability is too coarse
 * (with n scores it is a multiple of 1/(n+1)); until then a raw score at or above the global
 * {@code defaultThreshold} triggers instead.
 *
 * <p><b>Hysteresis.</b> A triggering score raises an alert only when the series has no open
 * incident; the alert opens one. The incident closes once the scores have been at the clear level
 * ({@code p > clearAlpha}, or below the default threshold during warm-up) for {@code cooldownMillis}
 * of event time, counted from the first quiet score; any non-quiet score in between restarts the
 * count. A stretch with no scores at all after a quiet score counts as quiet.
 *
 * <p>Cost per score: one pass over the ring (O(window)), no allocation besides the returned
 * decision; the raw threshold (a quantile) is computed only when an alert is raised.
 *
 * @param window           how many recent scores of the series calibrate the next one (ring length)
 * @param minHistory       scores needed before the calibrated rule replaces the default threshold
 * @param alpha            a score triggers when its tail probability p ≤ alpha (the false-alarm rate)
 * @param defaultThreshold raw-score trigger during warm-up, in the score's units (negative log density)
 * @param clearAlpha       scores with p > clearAlpha count as back to normal; ≥ alpha
 * @param cooldownMillis   event time the scores must stay normal before the incident closes
 * @param floor            after warm-up, a score must also reach this raw level to trigger (and below it
 *                         counts as quiet): the global part of "a global default plus per-series
 *                         calibration". The tail-probability rule alone fires at rate alpha on any series,
 *                         however well the model predicts it; with a floor, a series the model predicts
 *                         well stays quiet. −∞ = calibration only.
 * @param tailSize         k of the exponential tail above the k-th largest recent score; 0 = empirical p only.
 *                         At most minHistory / 2, so the tail is fitted on the top half at most.
 */
public record AlertPolicy(int window, int minHistory, double alpha, double defaultThreshold, double clearAlpha,
                          long cooldownMillis, double floor, int tailSize) implements java.io.Serializable {

    /** Calibration only (no floor), empirical p only (no tail). */
    public AlertPolicy(int window, int minHistory, double alpha, double defaultThreshold, double clearAlpha,
                       long cooldownMillis) {
        this(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, Double.NEGATIVE_INFINITY);
    }

    /** Empirical p only (no tail). */
    public AlertPolicy(int window, int minHistory, double alpha, double defaultThreshold, double clearAlpha,
                       long cooldownMillis, double floor) {
        this(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, 0);
    }

    public AlertPolicy {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1 score, got " + window);
        }
        if (minHistory < 1 || minHistory > window) {
            throw new IllegalArgumentException("minHistory must be in [1, window=" + window + "], got " + minHistory);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (tailSize < 0 || 2 * tailSize > minHistory) {
            throw new IllegalArgumentException("tailSize must be in [0, minHistory/2 = " + minHistory / 2 + "], got "
                    + tailSize + " (0 = no fitted tail)");
        }
        // without a fitted tail the smallest p with n scores is 1/(n+1): below that alpha could never trigger
        if (tailSize == 0 && alpha * (minHistory + 1) < 1) {
            throw new IllegalArgumentException("alpha=" + alpha + " can never trigger with minHistory=" + minHistory
                    + " (the smallest tail probability is 1/(minHistory+1) = " + 1.0 / (minHistory + 1)
                    + "); raise minHistory to at least " + (long) Math.ceil(1 / alpha - 1)
                    + ", raise alpha, or fit a tail (tailSize > 0)");
        }
        if (Double.isNaN(defaultThreshold)) {
            throw new IllegalArgumentException("defaultThreshold must be a number (a raw score), got NaN");
        }
        if (!(clearAlpha >= alpha && clearAlpha < 1)) {
            throw new IllegalArgumentException("clearAlpha must be in [alpha=" + alpha + ", 1), got " + clearAlpha
                    + " (scores less surprising than clearAlpha count as back to normal)");
        }
        if (cooldownMillis < 0) {
            throw new IllegalArgumentException("cooldownMillis must be >= 0, got " + cooldownMillis);
        }
        if (Double.isNaN(floor) || floor == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("floor must be a raw score or -Infinity (no floor), got " + floor);
        }
    }

    /**
     * The product's defaults: a 1024-score window (8 KiB per series), calibrated after 256 scores,
     * alpha 0.004 (about one false alarm per 250 scores on stationary noise before hysteresis, the
     * smallest alpha that 256 scores can resolve), normal again at p > 0.05 for 10 minutes, and a
     * warm-up threshold of 12 nats (a 4.7σ miss of a unit-scale Gaussian channel).
     */
    public static AlertPolicy defaults() {
        return new AlertPolicy(1024, 256, 0.004, 12.0, 0.05, 10 * 60_000L);
    }

    /** A fresh track for one series, its ring sized to {@link #window}. */
    public AlertTrack newTrack() {
        return new AlertTrack(window);
    }

    /**
     * Judges {@code score} (observed at {@code timeMillis}) against the series' recent scores, advances
     * the incident state, then adds the score to the series' sample. A NaN score changes nothing.
     * Infinite scores are ordered like any other (+∞ is the most surprising).
     */
    public AlertDecision observe(AlertTrack track, long timeMillis, double score) {
        if (Double.isNaN(score)) {
            return new AlertDecision(false, track.open, Double.NaN, Double.NaN);
        }
        track.fitTo(window);
        int n = track.size;
        int atLeast = countAtLeast(track, score);
        boolean calibrated = n >= minHistory;
        double tailP = calibrated ? tailProbability(track, score, atLeast) : 1.0;
        // p ≤ alpha and p > clearAlpha: the empirical part in counts, so the raise rule and its reported
        // threshold agree exactly
        boolean triggers = calibrated
                ? (atLeast <= maxExceedances(alpha, n) || tailP <= alpha) && score >= floor
                : score >= defaultThreshold;
        boolean quiet = calibrated
                ? (atLeast > maxExceedances(clearAlpha, n) && tailP > clearAlpha) || score < floor
                : score < defaultThreshold;

        // quiet for the whole cool-down before this score (a silent gap counts as quiet)
        if (track.open && track.quietSinceMillis != AlertTrack.NOT_QUIET
                && timeMillis - track.quietSinceMillis >= cooldownMillis) {
            close(track);
        }
        boolean raise = false;
        double threshold = Double.NaN;
        if (!track.open) {
            if (triggers) {
                raise = true;
                threshold = calibrated ? Math.max(exceedanceThreshold(track), floor) : defaultThreshold;
                track.open = true;
                track.raisedAtMillis = timeMillis;
                track.quietSinceMillis = AlertTrack.NOT_QUIET;
            }
        } else if (quiet) {
            if (track.quietSinceMillis == AlertTrack.NOT_QUIET) {
                track.quietSinceMillis = timeMillis;
            }
            if (timeMillis - track.quietSinceMillis >= cooldownMillis) {
                close(track);
            }
        } else {
            track.quietSinceMillis = AlertTrack.NOT_QUIET;
        }
        track.push(score);
        return new AlertDecision(raise, track.open, anomalyProbability(atLeast, n, tailP), threshold);
    }

    /**
     * The anomaly probability {@code score} would get now, without changing the track (for a forecast
     * or a what-if; {@link #observe} returns the same number): 1 − {@link #tailProbability}.
     */
    public double anomalyProbability(AlertTrack track, double score) {
        return 1 - tailProbability(track, score);
    }

    /**
     * The tail probability p of {@code score} now, without changing the track, at full resolution
     * (1 − p rounds to 1 below p ≈ 1e-16; an alert record may want "1 in 10⁹"). NaN for a NaN score,
     * 1 with no history.
     */
    public double tailProbability(AlertTrack track, double score) {
        if (Double.isNaN(score)) {
            return Double.NaN;
        }
        AlertTrack view = track;
        if (track.recent.length != window) {
            view = track.copy();
            view.fitTo(window);
        }
        int atLeast = countAtLeast(view, score);
        double tailP = view.size >= minHistory ? tailProbability(view, score, atLeast) : 1.0;
        return Math.min((1.0 + atLeast) / (view.size + 1), tailP);
    }

    /** 1 − p with p = min((1 + #{recent ≥ score}) / (n + 1), the fitted tail's p): 0 with no history. */
    private static double anomalyProbability(int atLeast, int n, double tailP) {
        double empirical = (double) (n - atLeast) / (n + 1);
        return tailP < 1.0 ? Math.max(empirical, 1 - tailP) : empirical;
    }

    /**
     * The fitted tail's p for a score above the k-th largest recent score (1 otherwise, or without a
     * tail). Needs the top k: selected from a copy, which happens only for scores among the k largest
     * (about k/window of the scores), so the common path stays one pass and allocation-free.
     */
    private double tailProbability(AlertTrack track, double score, int atLeast) {
        if (tailSize == 0 || atLeast >= tailSize) {
            return 1.0;
        }
        int n = track.size;
        double[] sorted = Arrays.copyOf(track.recent, n);
        Arrays.sort(sorted);
        double u = sorted[n - tailSize];
        return (double) tailSize / (n + 1) * Math.exp(-(score - u) / tailScale(sorted, u));
    }

    /** β: the mean excess of the top k sorted scores over the k-th largest, u. */
    private double tailScale(double[] sorted, double u) {
        double excess = 0;
        for (int i = sorted.length - tailSize; i < sorted.length; i++) {
            excess += sorted[i] - u;
        }
        // a flat top (all k equal) has no scale: keep a relative epsilon so the tail stays a tail, not a wall
        return Math.max(excess / tailSize, 1e-9 * Math.max(1.0, Math.abs(u)));
    }

    private static int countAtLeast(AlertTrack track, double score) {
        double[] recent = track.recent;
        int n = track.size;
        int atLeast = 0;
        for (int i = 0; i < n; i++) {
            if (recent[i] >= score) {
                atLeast++;
            }
        }
        return atLeast;
    }

    /** The most recent scores that may be ≥ a score whose p ≤ level: p ≤ level ⇔ 1 + #{≥} ≤ level·(n+1). */
    private static int maxExceedances(double level, int n) {
        return (int) Math.floor(level * (n + 1)) - 1;
    }

    /**
     * The raw score a new score must exceed to trigger, for the alert record. Empirically, with n
     * recent scores a score triggers iff at most e = ⌊alpha·(n+1)⌋ − 1 of them are ≥ it, i.e. iff it is
     * above the (e+1)-th largest recent score; with a fitted tail, also from where the tail's p falls
     * to alpha: u + β·ln(k / ((n+1)·alpha)). The lower of the two. Sorting a copy is fine here: it
     * runs once per incident.
     */
    private double exceedanceThreshold(AlertTrack track) {
        int n = track.size;
        int e = maxExceedances(alpha, n);
        double[] sorted = Arrays.copyOf(track.recent, n);
        Arrays.sort(sorted);
        double threshold = e >= 0 ? sorted[n - 1 - e] : Double.POSITIVE_INFINITY;
        if (tailSize > 0) {
            double u = sorted[n - tailSize];
            double beta = tailScale(sorted, u);
            double ratio = tailSize / ((n + 1) * alpha);
            threshold = Math.min(threshold, ratio > 1 ? u + beta * Math.log(ratio) : u);
        }
        return threshold;
    }

    private static void close(AlertTrack track) {
        track.open = false;
        track.quietSinceMillis = AlertTrack.NOT_QUIET;
    }
}
