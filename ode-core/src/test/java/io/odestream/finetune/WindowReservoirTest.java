package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reservoir's promises: no series above its cap, an even share between series when full,
 * a uniform sample within a series, the same result for the same seed and arrivals, and a
 * held-out split that depends on the window, not on when it arrived.
 */
class WindowReservoirTest {

    @Test
    void aHotSeriesKeepsAtMostItsCapAndColdSeriesKeepEverything() {
        WindowReservoir reservoir = new WindowReservoir(new WindowReservoir.Config(100, 20, 100, 0.2, 1));
        for (int i = 0; i < 1000; i++) {
            reservoir.offer(window("hot", i));
        }
        for (int s = 0; s < 9; s++) {
            for (int i = 0; i < 5; i++) {
                reservoir.offer(window("cold-" + s, i));
            }
        }
        Map<String, Integer> training = countBySeries(reservoir.trainingWindows());
        Map<String, Integer> heldOut = countBySeries(reservoir.heldOutWindows());
        assertEquals(20, training.get("hot"), "the hot series fills exactly its cap of training windows");
        assertEquals(20, heldOut.get("hot"), "and of held-out windows");
        for (int s = 0; s < 9; s++) {
            String id = "cold-" + s;
            assertEquals(5, training.getOrDefault(id, 0) + heldOut.getOrDefault(id, 0),
                    "a cold series below its cap keeps every window it offered: " + id);
        }
        assertEquals(1045, reservoir.windowsOffered());
        assertEquals(10, reservoir.seriesOffered());
        assertEquals(0, reservoir.fromMillis());
        assertEquals(window("hot", 999).endMillis(), reservoir.toMillis());
    }

    @Test
    void whenFullTheCapacityIsSplitEvenlyBetweenSeries() {
        // A hot key fills the whole reservoir first; two keys arriving later still get an equal share.
        WindowReservoir reservoir = new WindowReservoir(new WindowReservoir.Config(30, 1000, 1000, 0.01, 2));
        for (int i = 0; i < 300; i++) {
            reservoir.offer(window("hot", i));
        }
        assertEquals(30, reservoir.trainingSize());
        for (int i = 0; i < 100; i++) {
            reservoir.offer(window("late-a", i));
            reservoir.offer(window("late-b", i));
        }
        Map<String, Integer> training = countBySeries(reservoir.trainingWindows());
        assertEquals(30, reservoir.trainingSize(), "the capacity holds");
        assertEquals(Map.of("hot", 10, "late-a", 10, "late-b", 10), training);
    }

    @Test
    void withinASeriesEveryWindowIsEquallyLikelyToBeKept() {
        int windows = 100;
        int seeds = 1000;
        int[] kept = new int[windows];
        long keptFirstHalf = 0;
        long keptTotal = 0;
        for (int seed = 0; seed < seeds; seed++) {
            WindowReservoir reservoir = new WindowReservoir(new WindowReservoir.Config(10, 10, 10, 0.2, seed));
            for (int i = 0; i < windows; i++) {
                reservoir.offer(window("s", i));
            }
            for (TrainingWindow w : reservoir.trainingWindows()) {
                int i = (int) (w.startMillis() / 1000);
                kept[i]++;
                keptTotal++;
                keptFirstHalf += i < windows / 2 ? 1 : 0;
            }
        }
        assertEquals(10L * seeds, keptTotal);
        // Each window is a training window in ~80 % of the seeds and then kept with probability 10/~80:
        // about 100 times in 1000 seeds, binomial σ ≈ 9.5. Keeping the first or the last 10 would give 0 or ~800.
        for (int i = 0; i < windows; i++) {
            assertTrue(kept[i] > 55 && kept[i] < 145, "window " + i + " kept " + kept[i] + " times, expected ~100");
        }
        double firstHalfShare = keptFirstHalf / (double) keptTotal;
        assertEquals(0.5, firstHalfShare, 0.02, "early and late windows are kept alike");
    }

    @Test
    void theSameSeedAndArrivalsGiveTheSameWindows() {
        List<TrainingWindow> arrivals = mixedArrivals(new Random(3));
        WindowReservoir.Config config = new WindowReservoir.Config(40, 8, 10, 0.2, 77);
        List<String> a = ids(fill(new WindowReservoir(config), arrivals).trainingWindows());
        List<String> b = ids(fill(new WindowReservoir(config), arrivals).trainingWindows());
        List<String> other = ids(fill(new WindowReservoir(new WindowReservoir.Config(40, 8, 10, 0.2, 78)), arrivals)
                .trainingWindows());
        assertEquals(a, b);
        assertNotEquals(a, other, "another seed samples other windows");
    }

    @Test
    void theHeldOutSplitDependsOnTheWindowNotOnItsArrival() {
        List<TrainingWindow> arrivals = mixedArrivals(new Random(5));
        // Capacities above the arrivals: nothing is sampled away, so the split alone decides.
        WindowReservoir.Config config = new WindowReservoir.Config(10_000, 10_000, 10_000, 0.2, 9);
        WindowReservoir inOrder = fill(new WindowReservoir(config), arrivals);
        List<TrainingWindow> shuffled = new ArrayList<>(arrivals);
        Collections.shuffle(shuffled, new Random(6));
        WindowReservoir reordered = fill(new WindowReservoir(config), shuffled);

        Set<String> heldOut = new HashSet<>(ids(inOrder.heldOutWindows()));
        assertEquals(heldOut, new HashSet<>(ids(reordered.heldOutWindows())));
        Set<String> training = new HashSet<>(ids(inOrder.trainingWindows()));
        assertTrue(Collections.disjoint(heldOut, training), "no window is both trained on and held out");
        assertEquals(arrivals.size(), heldOut.size() + training.size());
        // After clear() (the next round) a window that comes again lands on the same side.
        inOrder.clear();
        assertEquals(0, inOrder.trainingSize() + inOrder.heldOutSize());
        assertEquals(0, inOrder.windowsOffered());
        fill(inOrder, shuffled);
        assertEquals(heldOut, new HashSet<>(ids(inOrder.heldOutWindows())));
    }

    @Test
    void aRoundSeesTheSameListsHoweverTheSeriesArrivalsInterleaved() {
        // Each series' windows keep their order (a keyed stream's per-key order); the series interleave
        // differently, as they do from several partitions. Nothing is sampled away.
        List<TrainingWindow> arrivals = mixedArrivals(new Random(8));
        List<TrainingWindow> otherInterleaving = new ArrayList<>();
        for (int series = 11; series >= 0; series--) {
            for (TrainingWindow w : arrivals) {
                if (w.seriesId().equals("series-" + series)) {
                    otherInterleaving.add(w);
                }
            }
        }
        WindowReservoir.Config config = new WindowReservoir.Config(10_000, 10_000, 10_000, 0.2, 9);
        WindowReservoir first = fill(new WindowReservoir(config), arrivals);
        WindowReservoir second = fill(new WindowReservoir(config), otherInterleaving);

        assertNotEquals(ids(arrivals), ids(otherInterleaving));
        assertEquals(ids(first.trainingWindows()), ids(second.trainingWindows()));
        assertEquals(ids(first.heldOutWindows()), ids(second.heldOutWindows()));
        List<TrainingWindow> training = first.trainingWindows();
        for (int i = 1; i < training.size(); i++) {
            TrainingWindow a = training.get(i - 1);
            TrainingWindow b = training.get(i);
            int bySeries = a.seriesId().compareTo(b.seriesId());
            assertTrue(bySeries < 0 || bySeries == 0 && a.startMillis() < b.startMillis(),
                    "by series, then start: " + a.seriesId() + "@" + a.startMillis() + " before "
                            + b.seriesId() + "@" + b.startMillis());
        }
    }

    @Test
    void theHeldOutShareIsTheConfiguredFraction() {
        int held = 0;
        int total = 0;
        for (int s = 0; s < 100; s++) {
            for (int i = 0; i < 200; i++) {
                held += WindowReservoir.isHeldOut("series-" + s, 1_700_000_000_000L + 997L * i, 0.2, 11) ? 1 : 0;
                total++;
            }
        }
        // 20 000 windows: binomial σ of the share ≈ 0.003.
        assertEquals(0.2, held / (double) total, 0.012);
    }

    @Test
    void badConfigurationIsRefusedWithTheArgumentNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WindowReservoir.Config(0, 5, 5, 0.2, 1));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WindowReservoir.Config(5, 5, 5, 1.0, 1));
        assertTrue(e.getMessage().contains("heldOutFraction"), e.getMessage());
    }

    /** A window of 4 observations (split 2), one channel, starting at {@code index} seconds. */
    static TrainingWindow window(String series, int index) {
        long start = index * 1000L;
        long[] times = {start, start + 200, start + 400, start + 600};
        double[][] values = {{index}, {Double.NaN}, {1}, {2}};
        return new TrainingWindow(series, times, values, 2);
    }

    /** 600 windows of 12 series, one series three times as hot as each other, interleaved at random. */
    private static List<TrainingWindow> mixedArrivals(Random random) {
        List<TrainingWindow> all = new ArrayList<>();
        int[] next = new int[12];
        for (int i = 0; i < 600; i++) {
            int s = random.nextInt(14);
            int series = s >= 12 ? 0 : s;
            all.add(window("series-" + series, next[series]++));
        }
        return all;
    }

    private static WindowReservoir fill(WindowReservoir reservoir, List<TrainingWindow> windows) {
        windows.forEach(reservoir::offer);
        return reservoir;
    }

    private static List<String> ids(List<TrainingWindow> windows) {
        return windows.stream().map(w -> w.seriesId() + "@" + w.startMillis()).toList();
    }

    private static Map<String, Integer> countBySeries(List<TrainingWindow> windows) {
        Map<String, Integer> counts = new HashMap<>();
        windows.forEach(w -> counts.merge(w.seriesId(), 1, Integer::sum));
        return counts;
    }
}
