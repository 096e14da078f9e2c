package io.odestream.alert;

import java.util.Arrays;

/**
 * The warm-up rule's z threshold a model ships beside its {@link WarmUpMoments}: per
 * {@linkplain AgeBuckets age bucket} of a series and over all ages, the judged conditional z that its
 * calibration series' anomaly-free events exceed at a stated per-event false-alarm rate. Replaces the
 * policy's fixed {@link AlertPolicy#warmUpZ} (a Gaussian-tail number) for a series judged under the
 * shipped moments, because the judged z are not Gaussian: heavier-tailed, and wider at a series' first
 * scores, so one fixed z is a different false-alarm rate per age and per model.
 *
 * <p>A threshold is the (1 − rate) quantile of the judged z ({@link #quantile}); never below
 * {@link #FLOOR}. Immutable.
 */
public final class WarmUpThresholds {
    /**
     * The lowest threshold shipped: the rule stays "a surprise far outside the noise" (the live pool's
     * feed bound, {@link PooledWarmUp#DEFAULT}'s 3) however quiet a calibration set was.
     */
    public static final double FLOOR = 3.0;
    /**
     * The share of the judged z the exponential tail is fitted to: the top 2 %, SPOT's initial
     * threshold (Siffer et al., KDD 2017), as the policy's own tail does for settled series
     * ({@link ExponentialTail}).
     */
    public static final double TAIL_FRACTION = 0.02;
    /**
     * Events a threshold needs: as many as a shipped moment needs to judge ({@link WarmUpMoments#MIN_EVENTS}),
     * so the tail is fitted to at least 20 of them.
     */
    public static final long MIN_EVENTS = WarmUpMoments.MIN_EVENTS;

    private final double falseAlarmRate;
    private final double allAges;
    private final double[] byAge;
    private final AgeBuckets buckets;

    /**
     * @param falseAlarmRate the per-event rate the thresholds were taken at
     * @param allAges        over all ages; NaN when there is none
     * @param byAge          one per bucket of {@code buckets}; NaN where there is none
     */
    public WarmUpThresholds(double falseAlarmRate, AgeBuckets buckets, double allAges, double[] byAge) {
        if (!(falseAlarmRate > 0 && falseAlarmRate < TAIL_FRACTION)) {
            throw new IllegalArgumentException("a warm-up false-alarm rate is in (0, " + TAIL_FRACTION
                    + "), beyond the fitted tail's start; got " + falseAlarmRate);
        }
        if (buckets == null || byAge == null || byAge.length != buckets.count()) {
            throw new IllegalArgumentException("warm-up thresholds need the age buckets and one threshold (or NaN) "
                    + "per bucket");
        }
        checkThreshold(allAges);
        for (double z : byAge) {
            checkThreshold(z);
        }
        this.falseAlarmRate = falseAlarmRate;
        this.buckets = buckets;
        this.allAges = allAges;
        this.byAge = byAge.clone();
    }

    private static void checkThreshold(double z) {
        if (!Double.isNaN(z) && !(z >= FLOOR && Double.isFinite(z))) {
            throw new IllegalArgumentException("a warm-up threshold is a finite z >= " + FLOOR + " (or NaN: none), got "
                    + z);
        }
    }

    public double falseAlarmRate() {
        return falseAlarmRate;
    }

    public AgeBuckets buckets() {
        return buckets;
    }

    public double allAges() {
        return allAges;
    }

    /** Bucket {@code b}'s threshold (not an age's: {@link AgeBuckets#of}); NaN when there is none. */
    public double bucket(int b) {
        return byAge[b];
    }

    /**
     * The threshold of a series of this age: its bucket's if there is one, else the all-ages one; NaN
     * when neither (the policy's {@link AlertPolicy#warmUpZ} then).
     *
     * @param age the scores the series' alert track held before this one; {@link ZPool#UNKNOWN_AGE}: all ages
     */
    public double forAge(int age) {
        double z = age == ZPool.UNKNOWN_AGE ? Double.NaN : byAge[buckets.of(age)];
        return Double.isNaN(z) ? allAges : z;
    }

    /**
     * The value that a fraction {@code rate} of a sample exceeds, for rates beyond the sample's reach:
     * an exponential tail fitted to its top {@link #TAIL_FRACTION} (at least 20 values) above their
     * smallest, u, solved for {@code k/(n+1)·exp(−(x − u)/β) = rate} (the tail p of {@code ExponentialTail.upperOfTop}
     * inverted), never below {@link #FLOOR}. NaN when the sample has fewer than {@link #MIN_EVENTS}
     * values. Sorts {@code values[0, n)} in place.
     *
     * <p>An exponential tail is exact for an exponential sample and errs high for a lighter one (a
     * Gaussian's): a threshold from it alarms at the rate or less, where the sample's tail is not heavier
     * than exponential.
     */
    public static double quantile(double[] values, int n, double rate) {
        if (!(rate > 0 && rate < TAIL_FRACTION)) {
            throw new IllegalArgumentException("rate must be in (0, " + TAIL_FRACTION + "), got " + rate);
        }
        if (n < MIN_EVENTS) {
            return Double.NaN;
        }
        Arrays.sort(values, 0, n);
        int k = tailSize(n);
        double u = values[n - k];
        double beta = ExponentialTail.upperScale(values, n, u, k);
        return Math.max(FLOOR, u + beta * Math.log(k / ((n + 1.0) * rate)));
    }

    /** The values the tail of a sample of {@code n} is fitted to. */
    public static int tailSize(int n) {
        return (int) Math.ceil(TAIL_FRACTION * n);
    }

    @Override
    public String toString() {
        return "warm-up z at false-alarm rate " + falseAlarmRate + ": " + allAges + " over all ages, "
                + Arrays.toString(byAge) + " over ages " + buckets;
    }
}
