package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A live pool with the moments a model shipped to fall back on: the series' age bucket pooled live
 * once ready, else the shipped bucket, else all ages pooled live once ready, else all ages shipped,
 * else the plain |z|.
 */
class ZPoolShippedMomentsTest {
    private static final double[] Z = {2, -2};
    private static final long SHIPPED_EVENTS = 5_000;

    private static ZMoments diagonal(int channels, double variance) {
        double[] m = new double[channels * channels];
        long[] n = new long[channels * channels];
        for (int i = 0; i < channels; i++) {
            m[i * channels + i] = variance;
        }
        java.util.Arrays.fill(n, SHIPPED_EVENTS);
        return ZMoments.ofMoments(channels, m, n);
    }

    /** Independent channels: variance 0.25·(b + 1) in bucket b, 4 over all ages. */
    private static WarmUpMoments shipped(int channels) {
        ZMoments[] byAge = new ZMoments[AgeBuckets.DEFAULT.count()];
        for (int b = 0; b < byAge.length; b++) {
            byAge[b] = diagonal(channels, 0.25 * (b + 1));
        }
        return new WarmUpMoments(AgeBuckets.DEFAULT, diagonal(channels, 4), byAge);
    }

    private static ZPool pool() {
        ZPool pool = new ZPool(new PooledWarmUp(3, 64), true);
        pool.scoresFrom(2, 7, 1, 2);
        return pool;
    }

    @Test
    void anEmptyPoolJudgesByTheShippedMomentsOfTheSeriesAgeElseOfAllAges() {
        ZPool pool = pool();
        assertEquals(2 / 0.5, pool.judged(Z, 2, 0, shipped(2)), 1e-9, "bucket {0}: variance 0.25");
        assertEquals(2 / Math.sqrt(0.75), pool.judged(Z, 2, 3, shipped(2)), 1e-9, "bucket 2–3: variance 0.75");
        assertEquals(2 / 2.0, pool.judged(Z, 2, ZPool.UNKNOWN_AGE, shipped(2)), 1e-9, "all ages: variance 4");
        assertEquals(2, pool.judged(Z, 2, 0, null), 0.0, "nothing shipped, nothing pooled: the plain |z|");
    }

    @Test
    void theLivePoolRefinesTheShippedMomentsBucketByBucket() {
        ZPool pool = pool();
        // three ordinary scores of a series aged 5 (bucket 4+): that bucket and all ages are ready
        pool.offer(new double[] {1, 1}, 1, false, 5);
        pool.offer(new double[] {-1, 1}, 1, false, 5);
        pool.offer(new double[] {1, -1}, 1, false, 5);
        ConditionalZ c = new ConditionalZ(2);
        double live = c.largest(pool.moments(), Z, 3);
        assertEquals(live, pool.judged(Z, 2, 5, shipped(2)), 1e-12, "bucket 4+ pooled live is ready: it judges");
        assertEquals(2 / 0.5, pool.judged(Z, 2, 0, shipped(2)), 1e-9,
                "bucket {0} is not ready live: the shipped {0} judges before the live all-ages moments");
        assertEquals(live, pool.judged(Z, 2, ZPool.UNKNOWN_AGE, shipped(2)), 1e-12, "all ages pooled live are ready");
        assertEquals(live, pool.judged(Z, 2, 0, null), 1e-12, "without shipped moments: all ages pooled live");
    }

    @Test
    void shippedMomentsOfAnotherChannelCountAreIgnored() {
        assertEquals(2, pool().judged(Z, 2, 0, shipped(3)), 0.0);
    }
}
