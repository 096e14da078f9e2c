package io.odestream.dashboard;

import java.util.Arrays;

/**
 * Counts events over a sliding window of wall-clock time, in fixed buckets: events/s over the last
 * seconds, alerts in the last hour. Time is passed in (epoch milliseconds), so tests need no clock.
 * Not thread-safe: {@link DashboardModel} guards it.
 */
final class SlidingCounter {
    private final long bucketMillis;
    private final long[] counts;
    private final long[] bucketIds;

    SlidingCounter(long bucketMillis, int buckets) {
        if (bucketMillis < 1 || buckets < 1) {
            throw new IllegalArgumentException("bucketMillis and buckets must be >= 1");
        }
        this.bucketMillis = bucketMillis;
        this.counts = new long[buckets];
        this.bucketIds = new long[buckets];
        Arrays.fill(bucketIds, Long.MIN_VALUE);
    }

    void add(long nowMillis) {
        long id = Math.floorDiv(nowMillis, bucketMillis);
        int slot = (int) Math.floorMod(id, (long) counts.length);
        if (bucketIds[slot] != id) {
            bucketIds[slot] = id;
            counts[slot] = 0;
        }
        counts[slot]++;
    }

    /** Events in the window that ends with the bucket holding {@code nowMillis}. */
    long sum(long nowMillis) {
        long newest = Math.floorDiv(nowMillis, bucketMillis);
        long oldest = newest - counts.length + 1;
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (bucketIds[i] >= oldest && bucketIds[i] <= newest) {
                sum += counts[i];
            }
        }
        return sum;
    }

    /** The window's length in milliseconds. */
    long windowMillis() {
        return bucketMillis * counts.length;
    }
}
