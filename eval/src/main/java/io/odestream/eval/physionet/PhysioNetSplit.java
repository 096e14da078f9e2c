package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The train/test split of the PhysioNet stays: sort by numeric RecordID; the stay at 1-based
 * position n goes to test when {@code n % 5 == 0}, to training otherwise — 400 / 100 of the 500
 * stays, deterministic, independent of file order, and spread over the whole id range.
 *
 * @param trainIds ids of the training stays, ascending
 * @param train    their series, aligned with {@code trainIds}
 * @param testIds  ids of the test stays, ascending
 * @param test     their series, aligned with {@code testIds}
 */
public record PhysioNetSplit(List<String> trainIds, List<Series> train, List<String> testIds, List<Series> test) {

    /** Every {@value}th stay in RecordID order is a test stay. */
    public static final int TEST_EVERY = 5;

    public PhysioNetSplit {
        trainIds = List.copyOf(trainIds);
        train = List.copyOf(train);
        testIds = List.copyOf(testIds);
        test = List.copyOf(test);
    }

    /**
     * @param ids    RecordIDs (numeric strings, unique), aligned with {@code series}
     * @param series the stays
     */
    public static PhysioNetSplit of(List<String> ids, List<Series> series) {
        if (ids == null || series == null || ids.size() != series.size()) {
            throw new IllegalArgumentException("ids and series must be non-null and aligned, got "
                    + (ids == null ? "null" : ids.size()) + " ids and " + (series == null ? "null" : series.size())
                    + " series");
        }
        List<Integer> order = new ArrayList<>(ids.size());
        long[] numeric = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            numeric[i] = recordId(ids.get(i));
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> numeric[i]));
        List<String> trainIds = new ArrayList<>();
        List<Series> train = new ArrayList<>();
        List<String> testIds = new ArrayList<>();
        List<Series> test = new ArrayList<>();
        for (int n = 1; n <= order.size(); n++) {
            int i = order.get(n - 1);
            if (n > 1 && numeric[i] == numeric[order.get(n - 2)]) {
                throw new IllegalArgumentException("ids must be unique; RecordID " + ids.get(i) + " appears twice");
            }
            if (n % TEST_EVERY == 0) {
                testIds.add(ids.get(i));
                test.add(series.get(i));
            } else {
                trainIds.add(ids.get(i));
                train.add(series.get(i));
            }
        }
        return new PhysioNetSplit(trainIds, train, testIds, test);
    }

    /**
     * {@code count} of the stays (all of them when there are fewer), evenly spread over the RecordID
     * order (position ⌊i·size/count⌋ for i = 0..count−1), for training-set-size curves that do not
     * depend on file order.
     */
    public static List<Series> evenlySpread(List<String> ids, List<Series> series, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (ids == null || series == null || ids.size() != series.size()) {
            throw new IllegalArgumentException("ids and series must be non-null and aligned");
        }
        List<Integer> order = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> recordId(ids.get(i))));
        int taken = Math.min(count, series.size());
        List<Series> out = new ArrayList<>(taken);
        for (int i = 0; i < taken; i++) {
            out.add(series.get(order.get((int) ((long) i * series.size() / taken))));
        }
        return out;
    }

    private static long recordId(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("ids must be numeric RecordIDs (the file names of set-a), got '" + id
                    + "'");
        }
    }
}
