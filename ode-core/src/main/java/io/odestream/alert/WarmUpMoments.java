package io.odestream.alert;

/**
 * The z-scores' second moments of one kind of score of one model, measured once over a set of series
 * (at training time) and shipped with the model: per {@linkplain AgeBuckets age bucket} of a series
 * and over all ages, as {@link ZPool} pools them live. A young series is judged by the largest
 * conditional |z| under its age bucket's moments when they hold {@link #MIN_EVENTS} events for every
 * pair of observed channels, else under the all-ages moments when those do.
 *
 * <p>Why shipped: a live pool depends on which series share an operator instance and on when it is
 * published, so a replay or a restore cannot reproduce what it judged, and it judges nothing until it
 * fills. Moments fixed in the artifact judge a series from its first score, the same way wherever and
 * whenever it is scored. Immutable; judging needs the caller's {@link ConditionalZ} (its scratch).
 */
public final class WarmUpMoments {
    /** Events a shipped moment must hold to judge: the live pool's {@link PooledWarmUp#DEFAULT} threshold. */
    public static final long MIN_EVENTS = PooledWarmUp.DEFAULT.minEvents();

    private final AgeBuckets buckets;
    private final ZMoments allAges;
    private final ZMoments[] byAge;

    /**
     * @param byAge one set of moments per bucket of {@code buckets}, each of {@code allAges}' channels
     */
    public WarmUpMoments(AgeBuckets buckets, ZMoments allAges, ZMoments[] byAge) {
        if (buckets == null || allAges == null || byAge == null || byAge.length != buckets.count()) {
            throw new IllegalArgumentException("warm-up moments need the age buckets, the all-ages moments and one "
                    + "set of moments per bucket (" + (buckets == null ? "?" : buckets.count()) + ")");
        }
        for (ZMoments m : byAge) {
            if (m == null || m.channels() != allAges.channels()) {
                throw new IllegalArgumentException("every age bucket's moments must be of the all-ages moments' "
                        + allAges.channels() + " channels");
            }
        }
        this.buckets = buckets;
        this.allAges = allAges;
        this.byAge = byAge.clone();
    }

    public int channels() {
        return allAges.channels();
    }

    public AgeBuckets buckets() {
        return buckets;
    }

    public ZMoments allAges() {
        return allAges;
    }

    /** The moments of bucket {@code b} (not of an age: {@link AgeBuckets#of}). */
    public ZMoments bucket(int b) {
        return byAge[b];
    }

    /**
     * The largest conditional |z| under the moments of the series' age bucket if they are ready for
     * the observed channels, else under the all-ages moments if those are; NaN if neither is (or the
     * z-scores are not of these channels).
     *
     * @param age the scores the series' alert track held before this one; {@link ZPool#UNKNOWN_AGE}: all ages
     */
    public double judged(ConditionalZ conditional, double[] z, int age) {
        if (z.length != channels()) {
            return Double.NaN;
        }
        double byItsAge = byAge(conditional, z, age);
        return Double.isNaN(byItsAge) ? overAllAges(conditional, z) : byItsAge;
    }

    /** Under the age bucket's moments only; NaN when not ready or the age is unknown. */
    double byAge(ConditionalZ conditional, double[] z, int age) {
        return age == ZPool.UNKNOWN_AGE ? Double.NaN : conditional.largest(byAge[buckets.of(age)], z, MIN_EVENTS);
    }

    /** Under the all-ages moments only; NaN when not ready. */
    double overAllAges(ConditionalZ conditional, double[] z) {
        return conditional.largest(allAges, z, MIN_EVENTS);
    }
}
