package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ZPool}'s moments per age of the series (the scores its alert track held before): a young
 * series is judged by its age bucket's moments once they are ready, by the all-ages ones before; every
 * offer adds to both; buckets merge by adding; a snapshot written before the buckets (format 1) still
 * restores. Seeded draws.
 */
class ZPoolByAgeTest {
    private static final int KIND = 1;
    private static final int ID = "lineage".hashCode();
    private static final int MIN_EVENTS = 200;
    /** Buckets of their own, so that the rules do not hang on the product's choice. */
    private static final AgeBuckets BUCKETS = new AgeBuckets(0, 1, 2, 3, 4, 7, 15);
    private static final double[] JUMP = {6, 0, 0};
    /** A series' first score (age 0), its z-scores wider than a settled series' (age 20, bucket 15+). */
    private static final int YOUNG = 0;
    private static final int SETTLED = 20;

    /** Three channels that miss together (ρ = 0.8) plus noise of their own, scaled by {@code rms}. */
    private static double[] ordinary(SplittableRandom random, double rms) {
        double common = gaussian(random);
        double[] z = new double[3];
        for (int j = 0; j < 3; j++) {
            z[j] = rms * (Math.sqrt(0.8) * common + Math.sqrt(0.2) * gaussian(random));
        }
        return z;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static ZPool pool(boolean publishEachEvent) {
        ZPool pool = new ZPool(new PooledWarmUp(MIN_EVENTS, 64), publishEachEvent, BUCKETS);
        pool.scoresFrom(KIND, ID, 1, 3);
        return pool;
    }

    /** Offers {@code events} ordinary events of series of this age, with z-scores of this RMS, to every pool given. */
    private static void offer(SplittableRandom random, int events, double rms, int age, ZPool... pools) {
        for (int i = 0; i < events; i++) {
            double[] z = ordinary(random, rms);
            for (ZPool p : pools) {
                p.offer(z, 0, false, age);
            }
        }
    }

    @Test
    void aYoungSeriesIsJudgedByItsAgesMomentsOnceReadyAndByTheAllAgesOnesBefore() {
        SplittableRandom random = new SplittableRandom(21);
        ZPool pool = pool(true);
        ZPool youngOnly = pool(true); // the same young events and nothing else: bucket 0's moments as its all-ages ones
        offer(random, 4 * MIN_EVENTS, 0.8, SETTLED, pool);
        offer(random, MIN_EVENTS - 1, 1.3, YOUNG, pool, youngOnly);
        double allAges = pool.judged(JUMP, 6, ZPool.UNKNOWN_AGE);
        assertEquals(allAges, pool.judged(JUMP, 6, YOUNG), "bucket {0} holds " + (MIN_EVENTS - 1)
                + " events: the all-ages moments judge");
        offer(random, 1, 1.3, YOUNG, pool, youngOnly);
        double byAge = pool.judged(JUMP, 6, YOUNG);
        assertEquals(youngOnly.judged(JUMP, 6), byAge, 1e-12, "bucket {0} is ready: its own moments judge");
        assertTrue(byAge < allAges, "a young series' wider z-scores make its jump less surprising: " + byAge
                + " under its age's moments, " + allAges + " under all ages'");
        assertEquals(pool.judged(JUMP, 6, SETTLED + 80), pool.judged(JUMP, 6, SETTLED),
                "every age from 15 on is one bucket");
        assertEquals(pool.judged(JUMP, 6, ZPool.UNKNOWN_AGE), pool.judged(JUMP, 6, 1),
                "bucket {1} is empty: the all-ages moments judge");
    }

    @Test
    void beforeEitherIsReadyThePlainLargestZJudges() {
        ZPool pool = pool(true);
        offer(new SplittableRandom(22), MIN_EVENTS - 1, 1, YOUNG, pool);
        assertEquals(6, pool.judged(JUMP, 6, YOUNG));
        assertEquals(6, pool.judged(JUMP, 6, ZPool.UNKNOWN_AGE));
    }

    @Test
    void everyOfferAddsToTheAllAgesMomentsAndToItsAgesBucketOnly() {
        ZPool pool = pool(true);
        SplittableRandom random = new SplittableRandom(23);
        offer(random, 10, 1, 0, pool);
        offer(random, 20, 1, 5, pool);
        offer(random, 30, 1, 6, pool);
        offer(random, 40, 1, ZPool.UNKNOWN_AGE, pool);
        assertEquals(100, pool.moments().count(0, 0), "all ages, the unknown one included");
        assertEquals(10, pool.moments(0).count(0, 0));
        assertEquals(50, pool.moments(4).count(0, 0), "ages 5 and 6 are bucket 4–6");
        assertEquals(0, pool.moments(1).count(0, 0));
        assertEquals(0, pool.moments(15).count(0, 0), "a series of unknown age pools into no bucket");
        pool.offer(new double[] {1, 1, 1}, 1, true, 0);
        assertEquals(10, pool.moments(0).count(0, 0), "an alert stays out of its bucket too");
    }

    @Test
    void withoutPublishingEachEventTheBucketsJudgeFromWhatWasLastPublished() {
        ZPool pool = pool(false);
        SplittableRandom random = new SplittableRandom(24);
        offer(random, MIN_EVENTS, 1.3, YOUNG, pool);
        assertEquals(6, pool.judged(JUMP, 6, YOUNG), "pooled, not yet published");
        pool.publish();
        assertNotEquals(6, pool.judged(JUMP, 6, YOUNG), "published");
        assertArrayEquals(pool.moments(YOUNG).sums(), pool.publishedMoments(YOUNG).sums());
    }

    @Test
    void writtenPoolsMergeBucketByBucketByAdding() throws IOException {
        SplittableRandom random = new SplittableRandom(25);
        ZPool a = pool(false);
        ZPool b = pool(false);
        offer(random, 30, 1.3, YOUNG, a);
        offer(random, 50, 0.8, SETTLED, a);
        a.publish();
        offer(random, 7, 1, 3, a); // pooled after the publish: in a's live moments only
        offer(random, 40, 1.3, YOUNG, b);
        offer(random, 9, 1, 8, b);
        ZPool merged = new ZPool(new PooledWarmUp(MIN_EVENTS, 64), false, BUCKETS);
        merged.mergeFrom(read(a));
        merged.mergeFrom(read(b));
        for (int age : new int[] {0, 1, 2, 3, 4, 7, 15}) {
            for (int k = 0; k < 9; k++) {
                assertEquals(a.moments(age).sums()[k] + b.moments(age).sums()[k], merged.moments(age).sums()[k],
                        "age " + age + ", sum " + k);
                assertEquals(a.moments(age).counts()[k] + b.moments(age).counts()[k],
                        merged.moments(age).counts()[k], "age " + age + ", count " + k);
                assertEquals(a.publishedMoments(age).counts()[k] + b.publishedMoments(age).counts()[k],
                        merged.publishedMoments(age).counts()[k], "age " + age + ", published count " + k);
            }
        }
        assertEquals(70, merged.moments(YOUNG).count(0, 0));
        assertEquals(0, merged.publishedMoments(3).count(0, 0), "what a had not published stays unpublished");
    }

    /** Fixed-point sums (2²⁰ per unit) of {@code n} events whose z-scores have unit variances and correlation ρ. */
    private static long[] sumsOf(double rho, long n) {
        long[] sums = new long[9];
        for (int k = 0; k < 9; k++) {
            sums[k] = Math.round((k % 4 == 0 ? 1 : rho) * n * 0x1p20);
        }
        return sums;
    }

    private static long[] counts(long n) {
        long[] counts = new long[9];
        Arrays.fill(counts, n);
        return counts;
    }

    @Test
    void aSnapshotWrittenBeforeTheAgeBucketsRestoresAsTheAllAgesMoments() throws IOException {
        long[] sums = sumsOf(0.8, 300);
        long[] publishedSums = sumsOf(0.7, 250);
        ZPool fresh = new ZPool(new PooledWarmUp(MIN_EVENTS, 64), false, BUCKETS);
        fresh.mergeFrom(formatOne(1, sums, counts(300), publishedSums, counts(250)));
        assertTrue(fresh.holdsScoresOf(KIND, ID, 1, 3), "the producer restores");
        assertArrayEquals(sums, fresh.moments().sums(), "the pooled moments become the all-ages ones");
        assertArrayEquals(counts(300), fresh.moments().counts());
        assertArrayEquals(publishedSums, fresh.publishedMoments().sums(), "and the published ones");
        assertArrayEquals(counts(250), fresh.publishedMoments().counts());
        for (int age : new int[] {0, 1, 2, 3, 4, 7, 15}) {
            assertEquals(0, fresh.moments(age).count(0, 0), "bucket of age " + age + " starts empty");
        }
        assertEquals(fresh.judged(JUMP, 6, ZPool.UNKNOWN_AGE), fresh.judged(JUMP, 6, YOUNG),
                "a young series is judged by the restored all-ages moments");
        assertNotEquals(6, fresh.judged(JUMP, 6, YOUNG), "which are ready (250 published events)");

        ZPool running = pool(false); // a subtask's own pool after a rescale: the old one adds to it
        offer(new SplittableRandom(26), 5, 1, YOUNG, running);
        long[] own = running.moments().counts();
        running.mergeFrom(formatOne(1, sums, counts(300), publishedSums, counts(250)));
        assertEquals(own[0] + 300, running.moments().count(0, 0), "all ages add");
        assertEquals(5, running.moments(YOUNG).count(0, 0), "its buckets keep their own events only");
    }

    @Test
    void bucketsOfOtherAgesAreNotMergedIntoThese() throws IOException {
        ZPool other = new ZPool(new PooledWarmUp(MIN_EVENTS, 64), true, new AgeBuckets(0, 10));
        other.scoresFrom(KIND, ID, 1, 3);
        offer(new SplittableRandom(27), 12, 1, 2, other);
        ZPool merged = pool(true);
        merged.mergeFrom(read(other));
        assertEquals(12, merged.moments().count(0, 0), "the all-ages moments add");
        assertEquals(0, merged.moments(2).count(0, 0), "a bucket 0–9 cannot be split into these");
        assertEquals(0, merged.moments(0).count(0, 0));
    }

    @Test
    void aCorruptBucketCountIsAClearError() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = header(bytes, 2, 2, 1);
        for (int i = 0; i < 16; i++) {
            out.writeLong(0);
        }
        out.writeInt(Integer.MAX_VALUE);
        IOException e = assertThrows(IOException.class,
                () -> pool(true).mergeFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(e.getMessage().contains("age buckets"), e.getMessage());
    }

    /**
     * A pool as the build before the age buckets wrote it ({@code ZPool.writeTo}, format 1): the format,
     * the channels, the producer (kind, id hash, version), then the live and the published moments, each
     * its channels² fixed-point sums and counts, row-major.
     */
    private static DataInputStream formatOne(long version, long[] sums, long[] counts, long[] publishedSums,
                                             long[] publishedCounts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = header(bytes, 1, 3, version);
        for (long[] values : new long[][] {sums, counts, publishedSums, publishedCounts}) {
            for (long v : values) {
                out.writeLong(v);
            }
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    /** The start every format shares: the format, the channels, the producer (kind, id hash, version). */
    private static DataOutputStream header(ByteArrayOutputStream bytes, int format, int channels, long version)
            throws IOException {
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(format);
        out.writeInt(channels);
        out.writeInt(KIND);
        out.writeInt(ID);
        out.writeLong(version);
        return out;
    }

    private static DataInputStream read(ZPool pool) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        pool.writeTo(new DataOutputStream(bytes));
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
