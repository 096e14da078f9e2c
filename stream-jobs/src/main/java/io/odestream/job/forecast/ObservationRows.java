package io.odestream.job.forecast;

/**
 * The value and mask buffers of a round's observations, reused from round to round so that a batch
 * allocates nothing per observation once it has seen its largest round.
 */
final class ObservationRows {
    private double[][] values = new double[0][];
    private boolean[][] observed = new boolean[0][];
    private int used;

    void reset() {
        used = 0;
    }

    /** The next free row, sized for {@code width} channels. */
    int next(int width) {
        if (used == values.length) {
            int capacity = Math.max(4, 2 * values.length);
            values = java.util.Arrays.copyOf(values, capacity);
            observed = java.util.Arrays.copyOf(observed, capacity);
        }
        if (values[used] == null || values[used].length != width) {
            values[used] = new double[width];
            observed[used] = new boolean[width];
        }
        return used++;
    }

    double[] values(int row) {
        return values[row];
    }

    boolean[] observed(int row) {
        return observed[row];
    }
}
