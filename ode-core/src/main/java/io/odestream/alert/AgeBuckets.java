package io.odestream.alert;

import java.util.Arrays;

/**
 * Ranges of a series' age, the number of scores its {@link AlertTrack} held before the one judged
 * ({@link AlertTrack#size}, so capped at the policy's window), that {@link ZPool} pools apart: a
 * young series' z-scores are wider than a settled one's (the model's early predictive misses more
 * than it claims), so one moment for all ages over-states a settled series' spread and under-states
 * a new one's. Each bucket starts at an age and runs to the next one's start; the last is open.
 */
public final class AgeBuckets {
    /**
     * {0}, {1}, 2–3, 4+: on the benchmark's clean stream the z-scores' RMS per channel is 1.22–1.40 at
     * a series' first score, 0.94–1.13 at its second, 0.82–1.11 at its third and fourth, and
     * 0.71–1.05 from its fifth on, flattening. Finer buckets fill more slowly (each needs
     * {@link PooledWarmUp#minEvents} before it judges): with 8 events per series the job's policy
     * alerted 68.9 % of the jumps with these, 65.6 % with {0}, {1}, {2}, {3}, 4–6, 7–14, 15+, 61.5 %
     * with one bucket for all ages (bench/README.md, "Cold start").
     */
    public static final AgeBuckets DEFAULT = new AgeBuckets(0, 1, 2, 4);

    private final int[] starts;

    /** @param starts each bucket's first age, increasing from 0 */
    public AgeBuckets(int... starts) {
        if (starts.length == 0 || starts[0] != 0) {
            throw new IllegalArgumentException("age buckets must start at age 0, got " + Arrays.toString(starts));
        }
        for (int b = 1; b < starts.length; b++) {
            if (starts[b] <= starts[b - 1]) {
                throw new IllegalArgumentException("age buckets' starts must increase, got " + Arrays.toString(starts));
            }
        }
        this.starts = starts.clone();
    }

    /** How many buckets. */
    public int count() {
        return starts.length;
    }

    /** The bucket of a series of this age (≥ 0): the last whose start is at most the age. */
    public int of(int age) {
        if (age < 0) {
            throw new IllegalArgumentException("a series' age is >= 0 scores, got " + age);
        }
        int b = starts.length - 1;
        while (starts[b] > age) {
            b--;
        }
        return b;
    }

    /** The first age of bucket {@code b}. */
    public int start(int b) {
        return starts[b];
    }

    /** Whether these are the buckets that start at {@code other}'s ages (a snapshot's, say). */
    public boolean startAt(int[] other) {
        return Arrays.equals(starts, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgeBuckets a && Arrays.equals(a.starts, starts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int b = 0; b < starts.length; b++) {
            int last = b + 1 < starts.length ? starts[b + 1] - 1 : -1;
            out.append(b == 0 ? "" : ", ").append(starts[b])
                    .append(last < 0 ? "+" : last == starts[b] ? "" : "–" + last);
        }
        return out.toString();
    }
}
