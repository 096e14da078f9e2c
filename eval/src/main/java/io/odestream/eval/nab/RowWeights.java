package io.odestream.eval.nab;

/**
 * NAB's per-row "sweep score" of one file under one profile ({@code nab/sweeper.py},
 * {@code calcSweepScore}): what a detection at each row is worth, and which window (if any) the
 * row belongs to. {@code window[i]} is the 0-based window index, {@link #OUTSIDE} or
 * {@link #PROBATIONARY}.
 */
public record RowWeights(double[] value, int[] window) {
    public static final int OUTSIDE = -1;
    public static final int PROBATIONARY = -2;

    /** NAB's probationary period: 15 % of the rows, at most 750 (= 0.15 * 5000). */
    public static int probationLength(int rows) {
        return (int) Math.min(Math.floor(0.15 * rows), 750);
    }

    /**
     * NAB's scaled sigmoid: 2/(1+e^(5y)) − 1, and −1 for y > 3 (the cut-off keeps far false
     * positives at exactly the full cost).
     */
    public static double scaledSigmoid(double y) {
        return y > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    /** scaledSigmoid(−1): the value at a window's first row, used to scale that row to exactly tpWeight. */
    public static final double MAX_TP = scaledSigmoid(-1.0);

    public static RowWeights of(ScoredSeries series, CostProfile profile) {
        int n = series.rows();
        int probation = probationLength(n);
        double[] value = new double[n];
        int[] window = new int[n];
        int[] first = series.windowFirstRow();
        int[] last = series.windowLastRow();
        int next = 0;        // next window not yet entered
        int current = -1;    // window the row is in, or -1
        int previousLast = -1;
        int previousWidth = 0;
        for (int i = 0; i < n; i++) {
            if (current < 0 && next < first.length && i == first[next]) {
                current = next++;
            }
            if (current >= 0) {
                // position in the window: −1 at its first row, −1/W at its last
                double width = last[current] - first[current] + 1;
                double position = -(last[current] - i + 1) / width;
                value[i] = scaledSigmoid(position) * profile.tpWeight() / MAX_TP;
            } else if (previousLast < 0) {
                value[i] = -1.0 * profile.fpWeight();
            } else {
                // NAB divides by (W' − 1) and would fail for a one-row window; the limit (+∞ → −1) is taken here
                double position = previousWidth > 1 ? Math.abs(previousLast - i) / (double) (previousWidth - 1)
                        : Double.POSITIVE_INFINITY;
                value[i] = scaledSigmoid(position) * profile.fpWeight();
            }
            window[i] = i < probation ? PROBATIONARY : current >= 0 ? current : OUTSIDE;
            if (current >= 0 && i == last[current]) {
                previousLast = i;
                previousWidth = last[current] - first[current] + 1;
                current = -1;
            }
        }
        return new RowWeights(value, window);
    }
}
