package io.odestream.alert;

import java.io.Serializable;

/**
 * The warm-up rule on the pooled conditional z ({@link ZPool}): a series in warm-up is judged by the
 * largest |z| of a channel given the other observed channels', under the z-scores' second moments
 * pooled over the ordinary events of every series the monitor serves of the series' age
 * ({@link AgeBuckets}) once they hold enough of them, else of every age once those do; before that,
 * by the plain largest |z|, as without it. The threshold stays the policy's
 * {@link AlertPolicy#warmUpZ}: under the pooled moments the conditional z of an ordinary event is
 * standardised as the model's own z claims to be, so the same Gaussian tail applies to both.
 *
 * @param minEvents  pooled events every moment the conditional needs must hold before it judges, in
 *                   the series' age bucket for its moments to judge, over all ages for theirs
 * @param feedBelowZ only scores whose judged |z| (conditional once ready, plain before) is below this,
 *                   and that raised no alert, are pooled, so the stream's anomalies stay out. The bound
 *                   trades two biases: anomalies below it inflate the pooled variances (and deflate the
 *                   conditional z), and cutting the ordinary events' tail shrinks them, for a Gaussian by
 *                   2b·φ(b)/(2Φ(b) − 1): 2.7 % at b = 3, 0.1 % at 4. On the benchmark's stream (5 % of
 *                   events 6–10 σ one-channel jumps) the pool at 4 held variances 8–20 % above an
 *                   anomaly-free stream's, at 3 1–10 %; the ~3 % shrink at 3 makes the conditional z
 *                   ~1.4 % larger, as if judged at 4.93 instead of 5 (on that stream no false alarm
 *                   at either bound; bench/README.md, "Cold start")
 */
public record PooledWarmUp(int minEvents, double feedBelowZ) implements Serializable {
    /** What the job uses: 1 000 pooled events, scores below |z| 3 pooled. */
    public static final PooledWarmUp DEFAULT = new PooledWarmUp(1_000, 3.0);

    /** Above this |z| on any channel a score is never pooled: it keeps the fixed-point sums far from overflow. */
    static final double LARGEST_POOLED_Z = 64;

    public PooledWarmUp {
        if (minEvents < 1) {
            throw new IllegalArgumentException("minEvents must be >= 1 pooled event, got " + minEvents);
        }
        if (!(feedBelowZ > 0 && feedBelowZ <= LARGEST_POOLED_Z)) {
            throw new IllegalArgumentException("feedBelowZ must be in (0, " + LARGEST_POOLED_Z + "], got " + feedBelowZ);
        }
    }

    /** The same rule, judging once {@code events} are pooled (the job's and the benchmark's option). */
    public PooledWarmUp withMinEvents(int events) {
        return new PooledWarmUp(events, feedBelowZ);
    }
}
