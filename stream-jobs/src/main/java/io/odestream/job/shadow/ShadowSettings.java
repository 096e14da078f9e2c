package io.odestream.job.shadow;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * Shadow mode: a published but unpromoted candidate runs beside the served model on a share of the
 * series, both score the same live observations, and the candidate is promoted only when it wins.
 *
 * @param fraction        share of series shadowed, in (0, 1]; which ones is {@link #shadows(String)}
 * @param minObservations scored observations of a candidate before its verdict, >= 1
 * @param margin          nats per observation by which the candidate's mean negative log predictive
 *                        density must beat the served model's to be promoted, >= 0
 * @param scoreSamples    Monte-Carlo samples per score and per predictive mean, >= 1
 * @param promoter        opens the promoter of winners; null: verdicts only, nothing is promoted
 * @param criteria        what the candidate must do better ({@link ShadowCriterion}), at least one
 */
public record ShadowSettings(double fraction, int minObservations, double margin, int scoreSamples,
                             ShadowPromoter.Factory promoter, Set<ShadowCriterion> criteria) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** 2^-53: the top 53 bits of the hash as a double in [0, 1), exactly. */
    private static final double UNIT = 0x1.0p-53;

    public ShadowSettings {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1] (the share of series shadowed; "
                    + "1 shadows every series), got " + fraction);
        }
        if (minObservations < 1) {
            throw new IllegalArgumentException("minObservations must be >= 1 (scored observations before a "
                    + "verdict; a few hundred make the mean scores stable), got " + minObservations);
        }
        if (!(margin >= 0 && Double.isFinite(margin))) {
            throw new IllegalArgumentException("margin must be a finite number >= 0 (nats per observation the "
                    + "candidate must win by), got " + margin);
        }
        if (scoreSamples < 1) {
            throw new IllegalArgumentException("scoreSamples must be >= 1 (Monte-Carlo samples per score), got "
                    + scoreSamples);
        }
        if (criteria == null || criteria.isEmpty()) {
            throw new IllegalArgumentException("criteria must name at least one of NLL, MAE (what the candidate "
                    + "must do better), got " + criteria);
        }
        criteria = EnumSet.copyOf(criteria);
    }

    /** Judged on both NLL and MAE ({@link ShadowCriterion#both()}). */
    public ShadowSettings(double fraction, int minObservations, double margin, int scoreSamples,
                          ShadowPromoter.Factory promoter) {
        this(fraction, minObservations, margin, scoreSamples, promoter, ShadowCriterion.both());
    }

    /** These settings judged on {@code judgedOn} instead. */
    public ShadowSettings withCriteria(Set<ShadowCriterion> judgedOn) {
        return new ShadowSettings(fraction, minObservations, margin, scoreSamples, promoter, judgedOn);
    }

    /**
     * Shadows a quarter of the series and decides after 500 observations: a candidate must beat the
     * served NLL by 0.05 nats and not have a higher MAE.
     */
    public static ShadowSettings defaults(ShadowPromoter.Factory promoter) {
        return new ShadowSettings(0.25, 500, 0.05, 16, promoter);
    }

    /**
     * Whether {@code seriesId} is one of the shadowed series: a hash of the id mapped to [0, 1) is
     * below the fraction. The hash is FNV-1a over the id's UTF-16 code units followed by murmur3's
     * 64-bit finaliser: defined by this code alone (not by a JVM), so every subtask, every run and
     * every restart shadows the same series; the finaliser spreads ids that differ in one character
     * (series-1, series-2, ...) evenly. No allocation: it runs for every observation.
     */
    public boolean shadows(String seriesId) {
        if (seriesId == null) {
            throw new IllegalArgumentException("seriesId must not be null: every observation names its series");
        }
        return fraction >= 1 || unitHash(seriesId) < fraction;
    }

    /** The id's hash as a double in [0, 1). */
    static double unitHash(String seriesId) {
        long h = FNV_OFFSET;
        for (int i = 0; i < seriesId.length(); i++) {
            char c = seriesId.charAt(i);
            h = (h ^ (c & 0xff)) * FNV_PRIME;
            h = (h ^ (c >>> 8)) * FNV_PRIME;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (h >>> 11) * UNIT;
    }
}
