package io.odestream.finetune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A bounded sample of windows from many series in which no series holds more than
 * {@code perSeriesCap} windows and, once the total {@code capacity} is reached, a series below its
 * fair share takes a slot from the series holding the most (max–min fairness between keys).
 * Within a series that cannot grow any more, windows are kept by reservoir sampling (Algorithm R:
 * the n-th window of the series replaces a uniformly chosen kept one with probability k/n), so a
 * series' kept windows are a uniform sample of the windows it offered. A series that grows by
 * taking a slot keeps the window that arrived, which leans towards recent windows while the
 * shares settle. Deterministic for a seed and an arrival order.
 */
final class BalancedSample {

    /** The windows kept for one series and how many it has offered. */
    private static final class Slots {
        final List<TrainingWindow> kept = new ArrayList<>();
        long offered;
    }

    private final int capacity;
    private final int perSeriesCap;
    private final SplittableRandom random;
    // Insertion order keeps iteration (and so every random choice) deterministic.
    private final Map<String, Slots> bySeries = new LinkedHashMap<>();
    private int size;

    BalancedSample(int capacity, int perSeriesCap, SplittableRandom random) {
        this.capacity = capacity;
        this.perSeriesCap = perSeriesCap;
        this.random = random;
    }

    /** Offers a window; whether it was kept. */
    boolean offer(TrainingWindow window) {
        Slots own = bySeries.computeIfAbsent(window.seriesId(), id -> new Slots());
        own.offered++;
        int k = own.kept.size();
        if (k < perSeriesCap) {
            if (size < capacity) {
                own.kept.add(window);
                size++;
                return true;
            }
            Slots largest = largest();
            // Taking a slot only pays when it makes the shares more even: from m vs k to m-1 vs k+1, m >= k + 2.
            if (largest != null && largest.kept.size() >= k + 2) {
                largest.kept.remove(random.nextInt(largest.kept.size()));
                own.kept.add(window);
                return true;
            }
        }
        if (k == 0) {
            return false; // more series than capacity and this one holds nothing: it waits for a fair share
        }
        long j = random.nextLong(own.offered);
        if (j < k) {
            own.kept.set((int) j, window);
            return true;
        }
        return false;
    }

    /** The series holding the most windows (a seeded choice among ties), null when empty. */
    private Slots largest() {
        Slots best = null;
        int ties = 0;
        for (Slots s : bySeries.values()) {
            int n = s.kept.size();
            if (best == null || n > best.kept.size()) {
                best = s;
                ties = 1;
            } else if (n == best.kept.size() && random.nextInt(++ties) == 0) {
                best = s; // reservoir choice among equals: each tied series equally likely
            }
        }
        return best == null || best.kept.isEmpty() ? null : best;
    }

    /**
     * The kept windows by series id, then start time: what trains and what is held out depends on
     * which windows are kept, not on how the series' arrivals interleaved (a keyed stream from several
     * partitions interleaves them differently in every run), so the same windows train the same
     * candidate.
     */
    List<TrainingWindow> windows() {
        List<TrainingWindow> all = new ArrayList<>(size);
        for (Slots s : bySeries.values()) {
            all.addAll(s.kept);
        }
        all.sort(CANONICAL);
        return all;
    }

    private static final Comparator<TrainingWindow> CANONICAL = Comparator.comparing(TrainingWindow::seriesId)
            .thenComparingLong(TrainingWindow::startMillis);

    int size() {
        return size;
    }

    /** Series that offered at least one window. */
    int seriesOffered() {
        return bySeries.size();
    }

    /** Windows kept of {@code seriesId}. */
    int keptOf(String seriesId) {
        Slots s = bySeries.get(seriesId);
        return s == null ? 0 : s.kept.size();
    }

    void clear() {
        bySeries.clear();
        size = 0;
    }
}
