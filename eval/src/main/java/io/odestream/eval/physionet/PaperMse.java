package io.odestream.eval.physionet;

/**
 * The squared errors of one model over the test stays, in the three ways the comparison with
 * Rubanova et al. 2019 needs:
 * <ul>
 *   <li>{@link #pooledRange}: pooled over every predicted observed value, in the harness's units
 *       {@code (x − min) / (max − min)} (what the streaming table reports);</li>
 *   <li>{@link #pooledMax}: pooled, in the paper code's units {@code (x − min) / max} (its
 *       {@code normalize_masked_data}): each channel's error scaled by {@code (max − min) / max};</li>
 *   <li>{@link #paperAveraged}: as the paper's code averages (its {@code compute_masked_likelihood}):
 *       per stay and channel the mean over that channel's predicted values, a channel with none
 *       counting 0, then the mean over all channels, then over stays; in max units.</li>
 * </ul>
 * Min and max are the training stays' ({@link MinMaxNormalisation}); a channel whose maximum is 0
 * is divided by 1, as the paper's code does.
 */
public final class PaperMse {
    private final double[] toMaxUnits;
    private double sumRange;
    private double sumMax;
    private long values;
    private double sumStayMeans;
    private int stays;

    public PaperMse(MinMaxNormalisation scaling) {
        double[] min = scaling.min();
        double[] max = scaling.max();
        toMaxUnits = new double[min.length];
        for (int j = 0; j < min.length; j++) {
            double range = max[j] > min[j] ? max[j] - min[j] : 1.0;
            toMaxUnits[j] = range / (max[j] != 0 ? max[j] : 1.0);
        }
    }

    /** One stay's forecasts against its values (rows aligned; NaN = not observed, not scored). */
    public void add(double[][] forecast, double[][] truth) {
        int c = toMaxUnits.length;
        double[] channelSum = new double[c];
        int[] channelCount = new int[c];
        for (int k = 0; k < truth.length; k++) {
            for (int j = 0; j < c; j++) {
                if (Double.isFinite(truth[k][j])) {
                    double e = forecast[k][j] - truth[k][j];
                    double eMax = e * toMaxUnits[j];
                    sumRange += e * e;
                    sumMax += eMax * eMax;
                    values++;
                    channelSum[j] += eMax * eMax;
                    channelCount[j]++;
                }
            }
        }
        double stayMean = 0;
        for (int j = 0; j < c; j++) {
            stayMean += channelCount[j] == 0 ? 0 : channelSum[j] / channelCount[j];
        }
        sumStayMeans += stayMean / c;
        stays++;
    }

    public double pooledRange() {
        return values == 0 ? Double.NaN : sumRange / values;
    }

    public double pooledMax() {
        return values == 0 ? Double.NaN : sumMax / values;
    }

    public double paperAveraged() {
        return stays == 0 ? Double.NaN : sumStayMeans / stays;
    }

    /** Observed values scored. */
    public long values() {
        return values;
    }

    /** Stays scored. */
    public int stays() {
        return stays;
    }
}
