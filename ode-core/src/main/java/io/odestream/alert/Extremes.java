package io.odestream.alert;

/**
 * The k largest or smallest points of a sample in one pass, ascending: all a fitted tail
 * ({@link ExponentialTail}) reads, without copying and sorting the whole sample (a month of scores is
 * 8 640 of them; a sort of that took ~0.5 ms whenever a score reached its series' top k).
 */
final class Extremes {
    private Extremes() {
    }

    /**
     * Fills {@code top[0, k)} ascending with the k largest of {@code ring[from, from + n)}, NaN skipped,
     * and with {@code positiveOnly} everything ≤ 0 too; returns how many it found (fewer than k when fewer
     * qualify).
     */
    static int largest(double[] ring, int from, int n, boolean positiveOnly, double[] top, int k) {
        int found = 0;
        for (int i = from; i < from + n; i++) {
            double x = ring[i];
            if (x != x || (positiveOnly && !(x > 0))) {
                continue;
            }
            if (found < k) {
                int j = found++;
                for (; j > 0 && top[j - 1] > x; j--) {
                    top[j] = top[j - 1];
                }
                top[j] = x;
            } else if (x > top[0]) {
                int j = 0;
                for (; j + 1 < k && top[j + 1] < x; j++) {
                    top[j] = top[j + 1];
                }
                top[j] = x;
            }
        }
        return found;
    }

    /** Fills {@code bottom[0, k)} ascending with the k smallest of {@code ring[from, from + n)}, NaN skipped. */
    static int smallest(double[] ring, int from, int n, double[] bottom, int k) {
        int found = 0;
        for (int i = from; i < from + n; i++) {
            double x = ring[i];
            if (x != x) {
                continue;
            }
            if (found < k) {
                int j = found++;
                for (; j > 0 && bottom[j - 1] > x; j--) {
                    bottom[j] = bottom[j - 1];
                }
                bottom[j] = x;
            } else if (x < bottom[k - 1]) {
                int j = k - 1;
                for (; j > 0 && bottom[j - 1] > x; j--) {
                    bottom[j] = bottom[j - 1];
                }
                bottom[j] = x;
            }
        }
        return found;
    }
}
