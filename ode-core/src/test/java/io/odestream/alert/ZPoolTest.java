package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ZPool}: the z-scores' second moments pooled over many series' ordinary events, and the
 * largest z of a channel given the others' from them. Seeded draws: each try's seed is in its name.
 */
class ZPoolTest {
    private static final int KIND = 1;
    private static final int ID = "lineage".hashCode();
    /** Three channels that miss together: the model's common latent state (ρ = 0.8), plus noise of their own. */
    private static final double COMMON = 0.8;

    static LongStream seeds() {
        return LongStream.of(11, 12, 13);
    }

    /** One ordinary event's z: a common part and each channel's own; a channel missing with probability 0.2. */
    private static double[] ordinary(SplittableRandom random) {
        return ordinary(random, 0.2);
    }

    private static double[] ordinary(SplittableRandom random, double missing) {
        double common = gaussian(random);
        double[] z = new double[3];
        for (int j = 0; j < 3; j++) {
            z[j] = random.nextDouble() < missing ? Double.NaN
                    : Math.sqrt(COMMON) * common + Math.sqrt(1 - COMMON) * gaussian(random);
        }
        return z;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static ZPool ready(int events, long seed) {
        ZPool pool = new ZPool(new PooledWarmUp(events, 64), true);
        pool.scoresFrom(KIND, ID, 1, 3);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 4 * events; i++) {
            pool.offer(ordinary(random), 0, false);
        }
        return pool;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pooledMomentsAreTheDirectMomentsOfThePooledEventsWhateverTheirOrder(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[]> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            events.add(ordinary(random));
        }
        ZPool pool = new ZPool(PooledWarmUp.DEFAULT, true);
        pool.scoresFrom(KIND, ID, 1, 3);
        events.forEach(z -> pool.offer(z, 0, false));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                long n = 0;
                for (double[] z : events) { // the second pass: the kept events, summed directly
                    if (!Double.isNaN(z[i]) && !Double.isNaN(z[j])) {
                        sum += z[i] * z[j];
                        n++;
                    }
                }
                assertEquals(n, pool.moments().count(i, j), "events that observed both " + i + " and " + j);
                assertEquals(sum / n, pool.moments().moment(i, j), 1e-6, "E[z" + i + " z" + j + "]");
            }
        }
        ZPool shuffled = new ZPool(PooledWarmUp.DEFAULT, true);
        shuffled.scoresFrom(KIND, ID, 1, 3);
        Collections.shuffle(events, new Random(seed));
        events.forEach(z -> shuffled.offer(z, 0, false));
        assertArrayEquals(pool.moments().sums(), shuffled.moments().sums(), "the same sums, bit for bit, in any order");
    }

    /** The Gaussian conditional by hand: β = Σ_oo⁻¹ Σ_oj (a 2 × 2 inverse written out), sd² = Σ_jj − β·Σ_oj. */
    private static double byHand(ZMoments m, double[] z, int j) {
        int a = (j + 1) % 3;
        int b = (j + 2) % 3;
        double saa = m.moment(a, a);
        double sbb = m.moment(b, b);
        double sab = m.moment(a, b);
        double det = saa * sbb - sab * sab;
        double betaA = (sbb * m.moment(a, j) - sab * m.moment(b, j)) / det;
        double betaB = (saa * m.moment(b, j) - sab * m.moment(a, j)) / det;
        double mean = betaA * z[a] + betaB * z[b];
        double variance = m.moment(j, j) - betaA * m.moment(a, j) - betaB * m.moment(b, j);
        return (z[j] - mean) / Math.sqrt(variance);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theConditionalZIsTheGaussianConditionalUnderThePooledMoments(long seed) {
        ZPool pool = ready(500, seed);
        SplittableRandom random = new SplittableRandom(seed + 100);
        for (int i = 0; i < 20; i++) {
            double[] z = {4 * gaussian(random), 4 * gaussian(random), 4 * gaussian(random)};
            double expected = 0;
            for (int j = 0; j < 3; j++) {
                expected = Math.max(expected, Math.abs(byHand(pool.moments(), z, j)));
            }
            assertEquals(expected, pool.judged(z, Double.NaN), 1e-9 * expected, "all three observed");
            // one channel missing: z_j given the one other, β = Σ_oj / Σ_oo
            double[] two = {z[0], Double.NaN, z[2]};
            ZMoments m = pool.moments();
            double c0 = (z[0] - m.moment(2, 0) / m.moment(2, 2) * z[2])
                    / Math.sqrt(m.moment(0, 0) - m.moment(2, 0) * m.moment(2, 0) / m.moment(2, 2));
            double c2 = (z[2] - m.moment(0, 2) / m.moment(0, 0) * z[0])
                    / Math.sqrt(m.moment(2, 2) - m.moment(0, 2) * m.moment(0, 2) / m.moment(0, 0));
            assertEquals(Math.max(Math.abs(c0), Math.abs(c2)), pool.judged(two, Double.NaN), 1e-9, "0 and 2 observed");
        }
    }

    @Test
    void aMissCommonToEveryChannelIsExplainedAndAOneChannelJumpIsNot() {
        ZPool pool = ready(1_000, 7);
        assertTrue(pool.judged(new double[] {6, 6, 6}, 6) < 3, "the model missing on all channels at once");
        assertTrue(pool.judged(new double[] {6, 0, 0}, 6) > 6, "one channel's fault: more surprising given the others");
    }

    @Test
    void beforeEveryMomentItNeedsHoldsMinEventsThePlainLargestZJudges() {
        ZPool pool = new ZPool(new PooledWarmUp(100, 64), true);
        pool.scoresFrom(KIND, ID, 1, 3);
        SplittableRandom random = new SplittableRandom(9);
        double[] jump = {6, 0, 0};
        for (int i = 0; i < 99; i++) {
            pool.offer(ordinary(random, 0), 0, false);
        }
        assertEquals(6, pool.judged(jump, 6), "99 pooled events: the plain largest |z|");
        double[] withoutOne = ordinary(random, 0);
        withoutOne[1] = Double.NaN;
        pool.offer(withoutOne, 0, false);
        assertEquals(6, pool.judged(jump, 6), "the pairs with channel 1 still have 99");
        assertTrue(pool.judged(new double[] {6, Double.NaN, 0}, 6) != 6,
                "the pair (0, 2) has 100: the conditional judges an event that observed only 0 and 2");
        pool.offer(ordinary(random, 0), 0, false);
        assertTrue(pool.judged(jump, 6) != 6, "every pair has 100: the conditional judges");
    }

    @Test
    void aOneChannelModelIsJudgedByItsPlainZ() {
        ZPool pool = new ZPool(new PooledWarmUp(1, 64), true);
        pool.scoresFrom(KIND, ID, 1, 1);
        for (int i = 0; i < 100; i++) {
            pool.offer(new double[] {0.1 * (i % 7)}, 0.1 * (i % 7), false);
        }
        assertEquals(5.5, pool.judged(new double[] {5.5}, 5.5), "nothing to condition on");
        assertEquals(0, pool.moments().count(0, 0), "nothing pooled either");
    }

    @Test
    void alertsAndScoresAtTheBoundStayOutOfThePool() {
        ZPool pool = new ZPool(new PooledWarmUp(1, 4), true);
        pool.scoresFrom(KIND, ID, 1, 2);
        pool.offer(new double[] {1, 1}, 1, true);
        pool.offer(new double[] {4, 0}, 4, false);
        pool.offer(new double[] {1, 100}, 1, false);
        assertEquals(0, pool.moments().count(0, 0), "an alert, a judged |z| at the bound, a |z| beyond 64");
        pool.offer(new double[] {1, 1}, 3.9, false);
        assertEquals(1, pool.moments().count(0, 0));
    }

    @Test
    void aNewProducerStartsANewPool() {
        ZPool pool = ready(10, 3);
        long pooled = pool.moments().count(0, 0);
        pool.scoresFrom(KIND, ID, 1, 3);
        assertEquals(pooled, pool.moments().count(0, 0), "the same producer keeps its pool");
        pool.scoresFrom(KIND, ID, 2, 3);
        assertEquals(0, pool.moments().count(0, 0), "a swap to version 2 starts afresh");
        assertEquals(6, pool.judged(new double[] {6, 0, 0}, 6), "and judges by the plain |z| until ready");
        pool.scoresFrom(KIND + 1, ID, 2, 3);
        assertTrue(pool.holdsScoresOf(KIND + 1, ID, 2, 3), "another kind of score is another producer");
    }

    @Test
    void withoutPublishingEachEventItJudgesFromWhatWasLastPublished() {
        ZPool pool = new ZPool(new PooledWarmUp(10, 64), false);
        pool.scoresFrom(KIND, ID, 1, 3);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 40; i++) {
            pool.offer(ordinary(random), 0, false);
        }
        assertEquals(6, pool.judged(new double[] {6, 0, 0}, 6), "pooled, not yet published");
        pool.publish();
        assertTrue(pool.judged(new double[] {6, 0, 0}, 6) > 6, "published");
        assertEquals(0, pool.publishedMoments().count(0, 0) - pool.moments().count(0, 0));
    }

    @Test
    void writtenPoolsMergeIntoOneWhoseMomentsAddAndANewerModelsPoolWins() throws IOException {
        ZPool a = ready(50, 1);
        ZPool b = ready(80, 2);
        ZPool merged = new ZPool(new PooledWarmUp(50, 64), true);
        merged.mergeFrom(read(a));
        merged.mergeFrom(read(b));
        for (int k = 0; k < 9; k++) {
            assertEquals(a.moments().sums()[k] + b.moments().sums()[k], merged.moments().sums()[k]);
            assertEquals(a.moments().counts()[k] + b.moments().counts()[k], merged.moments().counts()[k]);
        }
        ZPool newer = new ZPool(new PooledWarmUp(1, 64), true);
        newer.scoresFrom(KIND, ID, 2, 3);
        newer.offer(new double[] {1, 1, 1}, 1, false);
        merged.mergeFrom(read(newer));
        assertTrue(merged.holdsScoresOf(KIND, ID, 2, 3), "version 2's pool replaces version 1's");
        assertEquals(1, merged.moments().count(0, 0));
        merged.mergeFrom(read(a));
        assertEquals(1, merged.moments().count(0, 0), "an older version's pool is ignored");
        ZPool empty = new ZPool(PooledWarmUp.DEFAULT, true);
        merged.mergeFrom(read(empty));
        assertEquals(1, merged.moments().count(0, 0), "a subtask that pooled nothing adds nothing");
    }

    private static DataInputStream read(ZPool pool) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        pool.writeTo(new DataOutputStream(bytes));
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }
}
