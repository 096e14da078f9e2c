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
 * incident (or escalates it, below); the alert opens one. The incident closes once the scores have
 * been at the clear level ({@code p > clearAlpha}, or below the default threshold during warm-up)
 * for {@code cooldownMillis} of event time, counted from the first quiet score; any non-quiet score
 * in between restarts the count. A stretch with no scores at all after a quiet score counts as
 * quiet.
 *
 * <p><b>Multi-scale</b> ({@code shortWindow = w > 1}). A point score catches a single surprising
 * value, not a stretch of moderately surprising ones (a changed pattern, a drift). With w > 1 the
 * policy also keeps, per score, the mean surprisal −ln p of the last w scores and calibrates it the
 * same way against its own recent values (the multi-scale likelihood of HTM's "anomaly likelihood",
 * Ahmad et al. 2017, put on the same conformal footing as the point score). The tests' tail
 * probabilities are combined by Simes' rule (below). Until the series is calibrated ({@code minHistory}
 * scores) a score adds no surprisal to the mean, and a mean is judged only against the means written
 * since (1 until there are minHistory of them).
 *
 * <p><b>Warm-up on z.</b> A raw negative log density is in the data's units (a series measured in
 * thousands has scores many nats higher than one measured in units), so no one default threshold fits
 * every new series. With {@code warmUpZ} set, and when the caller gives the score's largest absolute
 * z-score over the channels, a score during warm-up triggers on {@code |z| ≥ warmUpZ} instead: scale
 * free, so a new series alerts on a 6σ jump from its second scored observation and stays quiet on
 * noise.
 *
 * <p><b>Escalation.</b> An open incident never hides a larger surprise: a triggering score at least
 * {@code escalationNats} more surprising than the score that opened (or last escalated) the incident
 * raises again (surprise: −ln p once calibrated, z²/2 or the raw score during warm-up). The incident
 * stays one incident (its cool-down starts afresh). So a false alarm during warm-up, or a small
 * incident, cannot silence a series' later, larger jump.
 *
 * <p><b>Value level</b> ({@code valueLevel}). When the caller gives the observed values, a third
 * test asks how extreme the value itself is among the channel's own recent values, in either
 * direction ({@link ValueLevel}): a value outside everything the series did recently is news even
 * when the filter has already followed it and the density no longer finds it surprising. Once
 * calibrated, the tests' tail probabilities are combined as below. The floor still applies to the raw
 * score.
 *
 * <p><b>Combining the tests</b> (multi-scale, value level): Simes' rule (Simes 1986) over the m tests
 * there are, their tail probabilities sorted p₍₁₎ ≤ … ≤ p₍ₘ₎: {@code p = min(1, minᵢ m·p₍ᵢ₎/i)}. It
 * keeps alpha a bound on the false-alarm rate per score when the tests are independent or positively
 * dependent (as these are: one surprising observation moves all three the same way), like Bonferroni's
 * {@code m·min p}, which it never exceeds; and it is more powerful when more than one test finds the
 * observation unusual (two tests, both at p: p instead of 2p). Until 2026-12-07 Bonferroni: on
 * NAB, Simes 63.61 / 55.72 / 69.13 against 62.76 / 55.16 / 68.17 (docs/RESULTS.md).
 *
 * <p>Cost per score: a counting pass over each ring (O(window); {@link RingCounts}, on the Vector API
 * where the JVM has it), no allocation besides the returned decision; the raw threshold (a quantile)
 * is computed only when an alert is raised.
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
 * @param shortWindow      multi-scale: how many recent surprisals the short-window mean averages; 1 = off
 * @param escalationNats   how much more surprising (nats) than its peak a score inside an open incident must be
 *                         to raise again; +∞ = never
 * @param warmUpZ          during warm-up, the |z| at which a score triggers; NaN = the raw default threshold
 * @param valueLevel       whether the observed value's own two-sided tail probability among the channel's
 *                         recent values is a test too (needs the values: {@link #observe(AlertTrack, long,
 *                         double, double, double[], boolean[])})
 */
public record AlertPolicy(int window, int minHistory, double alpha, double defaultThreshold, double clearAlpha,
                          long cooldownMillis, double floor, int tailSize, int shortWindow, double escalationNats,
                          double warmUpZ, boolean valueLevel) implements java.io.Serializable {

    /**
     * Scores (and mean surprisals) closer than this many nats are ties, counted as exceedances: a
     * density ratio of e^0.001 is no evidence, while solver rounding moves a constant series' score by
     * ~1e-6 nats, which compared exactly made a flat line's scores "the most surprising ever". Ties
     * only make p larger, so alpha still bounds the false-alarm rate.
     */
    public static final double RESOLUTION_NATS = 1e-3;

    /** No value-level test. */
    public AlertPolicy(int window, int minHistory, double alpha, double defaultThreshold, double clearAlpha,
                       long cooldownMillis, double floor, int tailSize, int shortWindow, double escalationNats,
                       double warmUpZ) {
        this(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize, shortWindow,
                escalationNats, warmUpZ, false);
    }

    /** Point scores only, no escalation, the raw warm-up rule. */
    public AlertPolicy(int window, int minHistory, double alpha, double defaultThreshold, double clearAlpha,
                       long cooldownMillis, double floor, int tailSize) {
        this(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize, 1,
                Double.POSITIVE_INFINITY, Double.NaN);
    }

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
        if (shortWindow < 1 || shortWindow > window) {
            throw new IllegalArgumentException("shortWindow must be in [1, window=" + window + "], got " + shortWindow
                    + " (1 = point scores only)");
        }
        if (!(escalationNats >= 0)) {
            throw new IllegalArgumentException("escalationNats must be >= 0 or Infinity (never escalate), got "
                    + escalationNats);
        }
        if (!Double.isNaN(warmUpZ) && !(warmUpZ > 0 && Double.isFinite(warmUpZ))) {
            throw new IllegalArgumentException("warmUpZ must be a finite |z| > 0, or NaN (the raw warm-up threshold), "
                    + "got " + warmUpZ);
        }
    }

    /**
     * This policy calibrating each score against the series' last {@code scores} scores (and, with the
     * value level, values) instead: a longer history keeps a series' earlier bursts in its calibration
     * for longer, so a kind of surprise it showed within that history is less of one (NAB's standard
     * score 57.66 → 62.76 from 1000 to 8640 scores, docs/RESULTS.md "Calibration window"). Each
     * series' rings grow to this length.
     */
    public AlertPolicy withWindow(int scores) {
        return new AlertPolicy(scores, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize,
                shortWindow, escalationNats, warmUpZ, valueLevel);
    }

    /** This policy with the multi-scale rule over {@code scores} recent scores (1 = off). */
    public AlertPolicy withShortWindow(int scores) {
        return new AlertPolicy(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize,
                scores, escalationNats, warmUpZ, valueLevel);
    }

    /** This policy with escalation inside incidents at {@code nats} more surprise (+∞ = off). */
    public AlertPolicy withEscalationNats(double nats) {
        return new AlertPolicy(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize,
                shortWindow, nats, warmUpZ, valueLevel);
    }

    /** This policy with the scale-free warm-up rule at {@code z} (NaN = the raw threshold). */
    public AlertPolicy withWarmUpZ(double z) {
        return new AlertPolicy(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize,
                shortWindow, escalationNats, z, valueLevel);
    }

    /** This policy with another floor. */
    public AlertPolicy withFloor(double rawFloor) {
        return new AlertPolicy(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, rawFloor,
                tailSize, shortWindow, escalationNats, warmUpZ, valueLevel);
    }

    /** This policy with the value-level test on or off. */
    public AlertPolicy withValueLevel(boolean on) {
        return new AlertPolicy(window, minHistory, alpha, defaultThreshold, clearAlpha, cooldownMillis, floor, tailSize,
                shortWindow, escalationNats, warmUpZ, on);
    }

    private boolean multiScale() {
        return shortWindow > 1;
    }


    /**
     * The product's defaults: a 1024-score window (8 KiB per settled series), calibrated after 256 scores,
     * alpha 0.004 (about one false alarm per 250 scores on stationary noise before hysteresis), an
     * exponential tail on the top 32 (so p resolves far below 1/1024 and a larger surprise can be
     * told from a large one), normal again at p > 0.05 for 10 minutes; during
     * warm-up a score triggers at |z| ≥ 5 (a 6σ jump alerts, Gaussian noise does so about once in
     * 1.7 million scores), or, where the caller has no z, at 12 nats (a 4.7σ miss of a unit-scale
     * Gaussian channel); an open incident raises again on a score 7 nats (a thousand times) more
     * surprising than its peak.
     */
    public static AlertPolicy defaults() {
        return new AlertPolicy(1024, 256, 0.004, 12.0, 0.05, 10 * 60_000L, Double.NEGATIVE_INFINITY, 32, 1,
                DEFAULT_ESCALATION_NATS, DEFAULT_WARM_UP_Z);
    }

    /** The default {@link #escalationNats}: a surprise a thousand times less likely than the incident's peak. */
    public static final double DEFAULT_ESCALATION_NATS = Math.log(1000);
    /** The default {@link #warmUpZ}: below the 6σ jump a new series must alert on, far above noise. */
    public static final double DEFAULT_WARM_UP_Z = 5.0;

    /**
     * A fresh track for one series: its rings start at {@link AlertTrack#INITIAL_CAPACITY} scores (the
     * window, if smaller) and grow as the series' history does, up to {@link #window} (what a young
     * series costs in keyed state; decisions are those of a track allocated at the full window).
     */
    public AlertTrack newTrack() {
        return new AlertTrack(Math.min(window, AlertTrack.INITIAL_CAPACITY));
    }

    /**
     * Judges {@code score} (observed at {@code timeMillis}) against the series' recent scores, advances
     * the incident state, then adds the score to the series' sample. A NaN score changes nothing.
     * Infinite scores are ordered like any other (+∞ is the most surprising). No z-score: the raw
     * warm-up rule.
     */
    public AlertDecision observe(AlertTrack track, long timeMillis, double score) {
        return observe(track, timeMillis, score, Double.NaN);
    }

    /**
     * As {@link #observe(AlertTrack, long, double)}, with the score's largest absolute z-score over
     * its channels for the scale-free warm-up rule ({@link #warmUpZ}); NaN when there is none. A caller
     * with pooled moments passes the largest conditional one instead ({@link ZPool#judged}).
     */
    public AlertDecision observe(AlertTrack track, long timeMillis, double score, double maxAbsZ) {
        return observe(track, timeMillis, score, maxAbsZ, null, null);
    }

    /**
     * As {@link #observe(AlertTrack, long, double, double)}, with the observed values (in the model's
     * channel order; {@code mask} says which were observed, null = all) for the value-level test; they
     * are only read. Without the value-level test they are ignored.
     */
    public AlertDecision observe(AlertTrack track, long timeMillis, double score, double maxAbsZ, double[] values,
                                 boolean[] mask) {
        return observe(track, timeMillis, score, maxAbsZ, Double.NaN, values, mask);
    }

    /**
     * As {@link #observe(AlertTrack, long, double, double, double[], boolean[])}, with the |z| at which
     * this score triggers during warm-up in place of {@link #warmUpZ}: the threshold a model ships for
     * the series' age at a stated false-alarm rate ({@link WarmUpThresholds#forAge}); NaN = warmUpZ. Only
     * where the z rule is on ({@code warmUpZ} set): the policy decides whether a young series is judged
     * on z, the model only how far out.
     */
    public AlertDecision observe(AlertTrack track, long timeMillis, double score, double maxAbsZ,
                                 double warmUpThreshold, double[] values, boolean[] mask) {
        if (Double.isNaN(score)) {
            return new AlertDecision(false, track.open, Double.NaN, Double.NaN);
        }
        boolean withValues = fit(track, values);
        // several tests' tail probabilities combined; else the point rule's counts decide alone
        boolean combined = multiScale() || withValues;
        int n = track.size;
        int atLeast = countAtLeast(track.recent, n, score);
        boolean calibrated = n >= minHistory;
        double tailP = calibrated ? tailProbability(track.recent, n, score, atLeast) : 1.0;
        double pointP = Math.min((1.0 + atLeast) / (n + 1), tailP);
        boolean zWarmUp = !calibrated && !Double.isNaN(warmUpZ) && !Double.isNaN(maxAbsZ);
        boolean triggers;
        boolean quiet;
        double p;
        double surprise;
        double mean = 0;
        // before minHistory scores the point p is a coarse multiple of 1/(n+1) that decides nothing: it enters
        // the short-window mean as no surprise, or the warm-up's noise would sit in the means' calibration sample
        // for the next window of scores and make later stretches look ordinary
        double surprisal = calibrated ? -Math.log(pointP) : 0.0;
        if (combined) {
            // NaN: the test is not in the policy
            double meanP = Double.NaN;
            double valueP = Double.NaN;
            if (multiScale()) {
                mean = shortMean(track, surprisal);
                meanP = calibrated ? meanProbability(track.recentMeans, n, mean) : 1.0;
            }
            if (withValues) {
                valueP = ValueLevel.tailProbability(track, values, mask, minHistory, tailSize);
            }
            p = simes(pointP, meanP, valueP);
        } else {
            p = pointP;
        }
        double zLimit = Double.isNaN(warmUpThreshold) ? warmUpZ : warmUpThreshold;
        if (zWarmUp) {
            triggers = maxAbsZ >= zLimit;
            quiet = !triggers;
            surprise = 0.5 * maxAbsZ * maxAbsZ;
        } else if (!calibrated) {
            triggers = score >= defaultThreshold;
            quiet = !triggers;
            surprise = score;
        } else if (combined) {
            triggers = p <= alpha && score >= floor;
            quiet = p > clearAlpha || score < floor;
            surprise = -Math.log(p);
        } else {
            // p ≤ alpha and p > clearAlpha: the empirical part in counts, so the raise rule and its reported
            // threshold agree exactly
            triggers = (atLeast <= maxExceedances(alpha, n) || tailP <= alpha) && score >= floor;
            quiet = (atLeast > maxExceedances(clearAlpha, n) && tailP > clearAlpha) || score < floor;
            surprise = -Math.log(p);
        }

        // quiet for the whole cool-down before this score (a silent gap counts as quiet)
        if (track.open && track.quietSinceMillis != AlertTrack.NOT_QUIET
                && timeMillis - track.quietSinceMillis >= cooldownMillis) {
            close(track);
        }
        boolean raise = false;
        if (!track.open) {
            if (triggers) {
                raise = true;
                track.open = true;
            }
        } else if (triggers && escalationNats != Double.POSITIVE_INFINITY
                && surprise >= track.incidentPeak + escalationNats) {
            raise = true; // a larger surprise than the incident has reported: never hidden by it
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
        double threshold = Double.NaN;
        if (raise) {
            if (zWarmUp) {
                // the raw score this observation would have had at |z| = the threshold (a Gaussian predictive's
                // score grows by z²/2), so the alert record's "score > threshold" stays in one unit
                threshold = score - 0.5 * (maxAbsZ * maxAbsZ - zLimit * zLimit);
            } else {
                threshold = calibrated ? Math.max(exceedanceThreshold(track), floor) : defaultThreshold;
            }
            track.raisedAtMillis = timeMillis;
            track.quietSinceMillis = AlertTrack.NOT_QUIET;
            track.incidentPeak = surprise;
        }
        record(track, score, surprisal, mean, withValues ? values : null, mask);
        double probability = combined ? (n == 0 ? 0.0 : 1 - p) : anomalyProbability(atLeast, n, tailP);
        return new AlertDecision(raise, track.open, probability, threshold);
    }

    /**
     * Adds {@code score} to the series' calibration exactly as {@link #observe} would (score ring,
     * short-window surprisal means, value level) but judges nothing: no incident is opened, escalated
     * or closed, an open one stays as it was. For refilling a restarted calibration from scores the
     * series would have had (a model swap re-scores its kept history). A NaN score changes nothing.
     * No allocation beyond observe's own (the fitted tail's copy, for the few scores among the top k of
     * a multi-scale policy's calibrated sample).
     *
     * @param values the observed values, as for observe's value-level test; null for none
     */
    public void calibrate(AlertTrack track, double score, double[] values, boolean[] mask) {
        if (Double.isNaN(score)) {
            return;
        }
        boolean withValues = fit(track, values);
        int n = track.size;
        double surprisal = 0.0;
        double mean = 0.0;
        if (multiScale()) {
            // the point p's surprisal only feeds the short-window means; observe's warm-up rule for it applies
            if (n >= minHistory) {
                int atLeast = countAtLeast(track.recent, n, score);
                surprisal = -Math.log(Math.min((1.0 + atLeast) / (n + 1),
                        tailProbability(track.recent, n, score, atLeast)));
            }
            mean = shortMean(track, surprisal);
        }
        record(track, score, surprisal, mean, withValues ? values : null, mask);
    }

    /** Sizes the track's rings for this policy; whether the value-level test reads {@code values}. */
    private boolean fit(AlertTrack track, double[] values) {
        track.fitTo(window);
        if (multiScale()) {
            track.fitMultiScale(shortWindow);
        }
        boolean withValues = valueLevel && values != null;
        if (withValues) {
            track.fitValues(values.length);
        }
        return withValues;
    }

    /** Adds a judged (or calibration-only) score, its surprisal and short-window mean, and its values to the sample. */
    private void record(AlertTrack track, double score, double surprisal, double mean, double[] values,
                        boolean[] mask) {
        if (track.recentValues.length > 0) {
            ValueLevel.record(track, values, mask);
        }
        if (multiScale()) {
            track.push(score, surprisal, mean);
        } else {
            track.push(score);
        }
    }

    /** The mean surprisal of the last shortWindow scores, this one included (fewer while the series is young). */
    private double shortMean(AlertTrack track, double surprisal) {
        int older = Math.min(track.size, shortWindow - 1);
        double sum = surprisal;
        double[] ring = track.surprisals;
        for (int i = 1; i <= older; i++) {
            sum += ring[Math.floorMod(track.surprisalNext - i, ring.length)];
        }
        return sum / (older + 1);
    }

    /**
     * The anomaly probability {@code score} would get now, without changing the track (for a forecast
     * or a what-if; {@link #observe} returns the same number for a single-scale policy; a multi-scale one
     * also weighs the short window): 1 − {@link #tailProbability}.
     */
    public double anomalyProbability(AlertTrack track, double score) {
        return 1 - tailProbability(track, score);
    }

    /**
     * Simes' combination of the tests' tail probabilities, {@code min(1, minᵢ m·p₍ᵢ₎/i)} over the m of
     * them that are not NaN (NaN: the test is not in the policy; the point test always is). Three
     * locals sorted in place: no allocation on the per-score path.
     */
    static double simes(double point, double mean, double value) {
        // an absent test sorts last and, as +∞, never gives the minimum
        double a = point;
        double b = Double.isNaN(mean) ? Double.POSITIVE_INFINITY : mean;
        double c = Double.isNaN(value) ? Double.POSITIVE_INFINITY : value;
        int m = 1 + (Double.isNaN(mean) ? 0 : 1) + (Double.isNaN(value) ? 0 : 1);
        double t;
        if (b < a) {
            t = a; a = b; b = t;
        }
        if (c < b) {
            t = b; b = c; c = t;
        }
        if (b < a) {
            t = a; a = b; b = t;
        }
        return Math.min(1.0, Math.min(m * a, Math.min(m * b / 2, m * c / 3)));
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
        // a shorter ring is a young one (or one of a shorter window): it holds its whole history as it is
        if (track.recent.length > window) {
            view = track.copy();
            view.fitTo(window);
        }
        int atLeast = countAtLeast(view.recent, view.size, score);
        double tailP = view.size >= minHistory ? tailProbability(view.recent, view.size, score, atLeast) : 1.0;
        return Math.min((1.0 + atLeast) / (view.size + 1), tailP);
    }

    /** 1 − p with p = min((1 + #{recent ≥ score}) / (n + 1), the fitted tail's p): 0 with no history. */
    private static double anomalyProbability(int atLeast, int n, double tailP) {
        double empirical = (double) (n - atLeast) / (n + 1);
        return tailP < 1.0 ? Math.max(empirical, 1 - tailP) : empirical;
    }

    /**
     * The fitted tail's p for a score above the k-th largest recent score (1 otherwise, or without a
     * tail). Needs the top k, selected in one more pass into a k-array, only for scores among the k
     * largest (about k/window of the scores), so the common path stays one pass and allocation-free.
     */
    private double tailProbability(double[] ring, int n, double score, int atLeast) {
        if (tailSize == 0 || atLeast >= tailSize) {
            return 1.0;
        }
        double[] top = new double[tailSize];
        Extremes.largest(ring, 0, n, false, top, tailSize);
        return Math.min(1.0, ExponentialTail.upperOfTop(top, 0, tailSize, n, score - RESOLUTION_NATS));
    }

    /**
     * The short-window mean's p among the means written once the series was calibrated (1 until
     * minHistory of them exist): the warm-up wrote zeros, a flat history against which any calibrated
     * mean is infinitely surprising. Only a flat line's calibrated means are 0 too; leaving them out
     * only makes p larger. Allocates only for a mean among the k largest.
     */
    private double meanProbability(double[] means, int n, double mean) {
        int count = RingCounts.above(means, 0, n, 0);
        if (count < minHistory) {
            return 1.0;
        }
        double tie = mean - RESOLUTION_NATS;
        // a positive mean at least tie: with tie > 0 every mean ≥ tie is positive, else every positive one is ≥ tie
        int atLeast = tie > 0 ? RingCounts.atLeast(means, 0, n, tie) : count;
        double p = (1.0 + atLeast) / (count + 1);
        if (tailSize > 0 && atLeast < tailSize) {
            double[] top = new double[tailSize];
            Extremes.largest(means, 0, n, true, top, tailSize);
            p = Math.min(p, ExponentialTail.upperOfTop(top, 0, tailSize, count, tie));
        }
        return p;
    }

    /** How many of the n recent scores are at least {@code score}; one within {@link #RESOLUTION_NATS} below counts. */
    private static int countAtLeast(double[] recent, int n, double score) {
        return RingCounts.atLeast(recent, 0, n, score - RESOLUTION_NATS);
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
            double beta = ExponentialTail.upperScale(sorted, n, u, tailSize);
            double ratio = tailSize / ((n + 1) * alpha);
            threshold = Math.min(threshold, ratio > 1 ? u + beta * Math.log(ratio) : u);
        }
        return threshold + RESOLUTION_NATS;
    }

    private static void close(AlertTrack track) {
        track.open = false;
        track.incidentPeak = 0;
        track.quietSinceMillis = AlertTrack.NOT_QUIET;
    }
}
