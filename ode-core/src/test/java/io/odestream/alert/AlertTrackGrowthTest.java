package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A track's rings grow with the history it holds (from {@link AlertTrack#INITIAL_CAPACITY}, doubling,
 * up to the policy's window) and judge every score exactly as a track allocated at the full window
 * from the start — what {@link AlertPolicy#newTrack} gave before the rings grew, and what state
 * written then restores as.
 */
class AlertTrackGrowthTest {
    private static final long MINUTE = 60_000L;
    /**
     * A window that is no power-of-two multiple of 16 (so the last growth step is capped), calibrated
     * after 60 scores, alpha 2 %, a fitted tail on the top 10, a 5-minute cool-down so incidents open and
     * close many times, the z warm-up rule and escalation on.
     */
    private static final AlertPolicy POINT = new AlertPolicy(200, 60, 0.02, 8.0, 0.2, 5 * MINUTE,
            Double.NEGATIVE_INFINITY, 10, 1, AlertPolicy.DEFAULT_ESCALATION_NATS, AlertPolicy.DEFAULT_WARM_UP_Z);
    private static final AlertPolicy MULTI_SCALE_AND_VALUES = POINT.withShortWindow(5).withValueLevel(true);
    private static final AlertPolicy VALUES = POINT.withValueLevel(true);
    private static final int CHANNELS = 3;

    @Test
    void aNewTrackStartsSmallAndDoublesUpToTheWindowOnly() {
        AlertTrack track = MULTI_SCALE_AND_VALUES.newTrack();
        assertEquals(AlertTrack.INITIAL_CAPACITY, track.recent.length);
        List<Integer> capacities = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            observe(MULTI_SCALE_AND_VALUES, track, random, i);
            if (capacities.isEmpty() || capacities.get(capacities.size() - 1) != track.recent.length) {
                capacities.add(track.recent.length);
            }
            assertEquals(Math.min(i + 1, 200), track.history());
            assertEquals(track.recent.length, track.recentMeans.length, "a mean beside every score slot");
            assertEquals(CHANNELS * track.recent.length, track.recentValues.length, "a value slot per channel");
        }
        assertEquals(List.of(16, 32, 64, 128, 200), capacities, "log2 steps, the last one capped at the window");
        assertEquals(5, track.surprisals.length, "the short window's ring is small and allocated once");
    }

    @Test
    void aTrackGrownFromEmptyDecidesEveryScoreAsOneAllocatedAtTheFullWindow() {
        for (AlertPolicy policy : List.of(POINT, VALUES, MULTI_SCALE_AND_VALUES)) {
            AlertTrack grown = policy.newTrack();
            AlertTrack full = new AlertTrack(policy.window());
            AlertTrack fromPojo = new AlertTrack(); // as Flink's POJO serializer builds one: no ring at all
            Random random = new Random(7);
            int raised = 0;
            for (int i = 0; i < 1200; i++) { // six windows: past the wrap many times
                long t = i * MINUTE;
                double z = random.nextGaussian();
                // jumps (some every 97 minutes), a NaN score now and then, values partly masked or NaN
                double score = i % 131 == 0 ? Double.NaN : 0.5 * z * z + (i % 97 == 0 ? 40.0 : 0.0);
                double maxAbsZ = i % 3 == 0 ? Double.NaN : Math.abs(z) + (i % 97 == 0 ? 6.0 : 0.0);
                double[] values = {random.nextGaussian(), i % 97 == 0 ? 50.0 : random.nextGaussian(),
                        i % 11 == 0 ? Double.NaN : random.nextGaussian()};
                boolean[] mask = i % 5 == 0 ? new boolean[] {true, false, true} : null;
                String at = policy + " at score " + i;
                if (i % 17 == 0) { // a model swap's refill: calibration only
                    policy.calibrate(grown, score, values, mask);
                    policy.calibrate(full, score, values, mask);
                    policy.calibrate(fromPojo, score, values, mask);
                } else {
                    AlertDecision expected = policy.observe(full, t, score, maxAbsZ, values, mask);
                    assertEquals(expected, policy.observe(grown, t, score, maxAbsZ, values, mask), at);
                    assertEquals(expected, policy.observe(fromPojo, t, score, maxAbsZ, values, mask), at);
                    raised += expected.raise() ? 1 : 0;
                }
                double probe = 0.5 * z * z + 3.0;
                assertEquals(policy.tailProbability(full, probe), policy.tailProbability(grown, probe), 0.0, at);
                assertEquals(full.history(), grown.history(), at);
                if (i == 700) { // another producer: the sample restarts, the rings keep their capacity
                    assertTrue(full.scoresFrom(2, 1, 1) && grown.scoresFrom(2, 1, 1) && fromPojo.scoresFrom(2, 1, 1));
                }
                if (grown.recent.length == policy.window()) {
                    assertEquals(full, grown, "once grown to the window it is the full-window track, slot for slot");
                    assertEquals(full, fromPojo, at);
                } else {
                    assertArrayEquals(Arrays.copyOf(full.recent, full.size), Arrays.copyOf(grown.recent, grown.size),
                            "young: the same scores in the same slots");
                }
            }
            assertTrue(raised > 10, policy + " raised " + raised + ": the sequence must exercise incidents");
        }
    }

    @Test
    void aFullLengthTrackFromStateWrittenBeforeTheRingsGrewNeverGrowsAndBehavesAsBefore() {
        AlertTrack written = new AlertTrack(VALUES.window()); // what newTrack gave: every ring at the window
        Random random = new Random(3);
        for (int i = 0; i < 30; i++) {
            observe(VALUES, written, random, i);
        }
        double[] ring = written.recent;
        AlertTrack restored = written.copy();
        for (int i = 30; i < 500; i++) {
            Random a = new Random(i);
            Random b = new Random(i);
            assertEquals(observe(VALUES, written, a, i), observe(VALUES, restored, b, i));
        }
        assertEquals(written, restored);
        assertEquals(VALUES.window(), restored.recent.length);
        assertTrue(written.recent == ring, "a full-window ring is never re-allocated");
    }

    @Test
    void aWrappedRingOfAShorterWindowGrowsOldestFirst() {
        AlertPolicy small = new AlertPolicy(3, 3, 0.4, 8.0, 0.5, 0).withValueLevel(true);
        AlertTrack track = small.newTrack();
        for (int i = 1; i <= 5; i++) { // the ring of 3 holds 3, 4, 5 and has wrapped: 4, 5, 3 as stored
            small.observe(track, i, i, Double.NaN, new double[] {10 * i, -i}, null);
        }
        assertArrayEquals(new double[] {4, 5, 3}, track.recent);
        AlertPolicy larger = new AlertPolicy(40, 3, 0.4, 8.0, 0.5, 0).withValueLevel(true);
        larger.observe(track, 6, 6, Double.NaN, new double[] {60, -6}, null);
        assertEquals(AlertTrack.INITIAL_CAPACITY, track.recent.length);
        assertArrayEquals(new double[] {3, 4, 5, 6}, Arrays.copyOf(track.recent, 4));
        assertEquals(4, track.next);
        int stride = track.recent.length;
        assertArrayEquals(new double[] {30, 40, 50, 60}, Arrays.copyOfRange(track.recentValues, 0, 4));
        assertArrayEquals(new double[] {-3, -4, -5, -6}, Arrays.copyOfRange(track.recentValues, stride,
                stride + 4), "each channel's ring re-laid out to the new stride");
        assertTrue(Double.isNaN(track.recentValues[4]) && Double.isNaN(track.recentValues[2 * stride - 1]),
                "the new slots hold no value yet");
    }

    /** One score with three channels' values, seeded from {@code random}. */
    private static AlertDecision observe(AlertPolicy policy, AlertTrack track, Random random, int i) {
        double z = random.nextGaussian();
        double[] values = new double[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            values[c] = random.nextGaussian();
        }
        return policy.observe(track, i * MINUTE, 0.5 * z * z, Math.abs(z), values, null);
    }
}
