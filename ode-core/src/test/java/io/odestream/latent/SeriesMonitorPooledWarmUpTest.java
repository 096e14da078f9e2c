package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SeriesMonitor} with the pooled warm-up rule ({@link MonitorSettings#pooledWarmUp}): a
 * one-channel model's series (NAB's) are judged exactly as without it, a model swap starts the
 * pool afresh, and a score is pooled under its series' age: the scores its alert track held before it.
 */
class SeriesMonitorPooledWarmUpTest {
    /** A pool ready after 5 events, were it used. */
    private static final PooledWarmUp EARLY = new PooledWarmUp(5, 3);

    private static LatentFilter filter(int channels, long version) {
        LatentOdeSpec spec = LatentOdeSpec.of(channels, 4, 8, new int[] {16}, new int[] {16}, 1000.0);
        return new LatentFilter(LatentOdeModel.create(spec, 11), "m", version);
    }

    @Test
    void aOneChannelSeriesGetsTheVerdictsItGetsWithoutAPool() {
        LatentFilter filter = filter(1, 1);
        // warm-up for the whole series (minHistory 256), on |z| ≥ 5: where the pool would act if it could
        MonitorSettings plain = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);
        SeriesMonitor without = new SeriesMonitor(plain);
        SeriesMonitor with = new SeriesMonitor(plain.withPooledWarmUp(EARLY));
        Random random = new Random(4);
        int raised = 0;
        for (int k = 0; k < 3; k++) {
            InMemorySeries a = new InMemorySeries(plain.alertPolicy().newTrack());
            InMemorySeries b = new InMemorySeries(plain.alertPolicy().newTrack());
            for (int i = 0; i < 80; i++) {
                long t = 1_000L * i;
                double[] x = {Math.sin(i / 7.0) + 0.1 * random.nextGaussian() + (i % 29 == 28 ? 1e4 : 0)};
                SeriesMonitor.Verdict v = without.step(a, filter, t, x, null, i);
                SeriesMonitor.Verdict w = with.step(b, filter, t, x, null, i);
                assertEquals(v.decision(), w.decision(), "series " + k + ", observation " + i);
                raised += v.raisesAlert() ? 1 : 0;
            }
        }
        assertTrue(raised > 0, "precondition: the jumps alert during warm-up");
        assertEquals(0, with.pool().moments().count(0, 0), "nothing to condition on: nothing pooled");
    }

    @Test
    void aModelSwapStartsThePoolAfresh() {
        MonitorSettings settings = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16).withPooledWarmUp(EARLY);
        SeriesMonitor monitor = new SeriesMonitor(settings);
        InMemorySeries series = new InMemorySeries(settings.alertPolicy().newTrack());
        LatentFilter v1 = filter(2, 1);
        for (int i = 0; i < 20; i++) {
            monitor.step(series, v1, 1_000L * i, new double[] {Math.sin(i / 5.0), Math.cos(i / 5.0)}, null, i);
        }
        long underV1 = monitor.pool().moments().count(0, 1);
        assertTrue(underV1 >= 10, "precondition: version 1's ordinary scores were pooled (" + underV1 + ")");
        LatentFilter v2 = filter(2, 2);
        monitor.step(series, v2, 20_000L, new double[] {0.5, 0.5}, null, 20); // absorbed: the series starts afresh
        monitor.step(series, v2, 21_000L, new double[] {0.6, 0.4}, null, 21);
        assertTrue(monitor.pool().moments().count(0, 1) <= 1, "version 2's pool holds its own score at most");
    }

    @Test
    void aScoreIsPooledUnderTheAgeOfItsSeriesTheScoresItsTrackHeldBefore() {
        MonitorSettings settings = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16)
                .withPooledWarmUp(new PooledWarmUp(5, 64));
        SeriesMonitor monitor = new SeriesMonitor(settings);
        InMemorySeries series = new InMemorySeries(settings.alertPolicy().newTrack());
        LatentFilter filter = filter(2, 1);
        int pooled = 0;
        for (int i = 0; i < 20; i++) {
            int age = series.alerts().size;
            long[] before = new long[20];
            for (int a = 0; a < before.length; a++) {
                before[a] = monitor.pool() == null || monitor.pool().moments(a) == null ? 0
                        : monitor.pool().moments(a).count(0, 0);
            }
            long allAges = monitor.pool().moments() == null ? 0 : monitor.pool().moments().count(0, 0);
            monitor.step(series, filter, 1_000L * i, new double[] {Math.sin(i / 5.0), Math.cos(i / 5.0)}, null, i);
            boolean added = monitor.pool().moments() != null && monitor.pool().moments().count(0, 0) > allAges;
            pooled += added ? 1 : 0;
            int bucket = monitor.pool().ageBuckets().of(age);
            for (int a = 0; a < before.length; a++) {
                long now = monitor.pool().moments(a) == null ? 0 : monitor.pool().moments(a).count(0, 0);
                boolean same = monitor.pool().ageBuckets().of(a) == bucket;
                assertEquals(before[a] + (added && same ? 1 : 0), now,
                        "observation " + i + " (age " + age + "), the bucket of age " + a);
            }
        }
        assertTrue(pooled >= 10, "precondition: the ordinary scores were pooled (" + pooled + ")");
    }
}
