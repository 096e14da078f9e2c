package io.odestream.bench;

/** Order statistics of measured samples. */
final class Stats {
    private Stats() {
    }

    /** The nearest-rank {@code q}-quantile of ascending {@code sorted}; NaN when there is no sample. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static double mean(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return sum / xs.length;
    }
}
