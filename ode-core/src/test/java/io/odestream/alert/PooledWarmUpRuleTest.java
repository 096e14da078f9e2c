package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The warm-up rule on the pooled conditional z, as {@code SeriesMonitor} applies it: each score judged
 * by {@link ZPool#judged} under the policy's {@code warmUpZ}, then offered to the pool. A young series
 * (two scores) next to a pool of many series' ordinary events whose channels miss together, as a
 * latent model's do.
 */
class PooledWarmUpRuleTest {
    /** Warm-up for the first 100 scores, on |z| ≥ 5. */
    private static final AlertPolicy POLICY = new AlertPolicy(200, 100, 0.01, 12.0, 0.05, 0)
            .withWarmUpZ(AlertPolicy.DEFAULT_WARM_UP_Z);
    private static final PooledWarmUp POOLED = new PooledWarmUp(1_000, 4);
    private static final double COMMON = 0.8;

    /** A pool that has been offered {@code events} ordinary events of other series. */
    private static ZPool pool(int events) {
        ZPool pool = new ZPool(POOLED, true);
        pool.scoresFrom(1, 7, 1, 3);
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < events; i++) {
            double common = random.nextGaussian();
            double[] z = new double[3];
            for (int j = 0; j < 3; j++) {
                z[j] = Math.sqrt(COMMON) * common + Math.sqrt(1 - COMMON) * random.nextGaussian();
            }
            offer(pool, z, false);
        }
        return pool;
    }

    private static void offer(ZPool pool, double[] z, boolean raised) {
        pool.offer(z, pool.judged(z, largest(z)), raised);
    }

    private static double largest(double[] z) {
        double m = 0;
        for (double v : z) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** A new series' second score: its first was ordinary. Whether it raises an alert. */
    private static boolean secondScoreAlerts(ZPool pool, double[] z) {
        AlertTrack track = POLICY.newTrack();
        judge(pool, track, 1_000, new double[] {0.3, 0.1, 0.4});
        return judge(pool, track, 2_000, z);
    }

    private static boolean judge(ZPool pool, AlertTrack track, long t, double[] z) {
        double judged = pool.judged(z, largest(z));
        boolean raised = POLICY.observe(track, t, 0.5 * judged * judged, judged).raise();
        pool.offer(z, judged, raised);
        return raised;
    }

    @Test
    void onceThePoolIsReadyAMissCommonToEveryChannelDoesNotAlertAYoungSeries() {
        assertFalse(secondScoreAlerts(pool(1_200), new double[] {6, 5.5, 6.5}));
    }

    @Test
    void onceThePoolIsReadyAOneChannelSixSigmaJumpAlertsAYoungSeries() {
        assertTrue(secondScoreAlerts(pool(1_200), new double[] {6, 0.2, -0.3}));
    }

    @Test
    void beforeThePoolIsReadyThePlainLargestZJudges() {
        assertTrue(secondScoreAlerts(pool(900), new double[] {6, 5.5, 6.5}),
                "900 pooled events (fewer than 1 000): the common miss alerts, as without a pool");
        assertFalse(secondScoreAlerts(pool(900), new double[] {4.5, 0.2, -0.3}), "and |z| 4.5 does not");
    }
}
