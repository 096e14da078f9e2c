package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-channel min-max scaling learned from the training stays only: {@code (x − min) / (max − min)},
 * so every training value lies in [0, 1] and test values may fall outside it. A channel that is
 * constant on the training stays is only shifted (divisor 1). Missing values (NaN) stay missing.
 *
 * <p>Rubanova et al.'s code ({@code normalize_masked_data}) takes min and max over the whole data
 * set (train and test) and divides by {@code max}, not by {@code max − min}; we divide by the
 * range, as "min-max to [0, 1]" says, and never look at the test stays.
 *
 * @param min per-channel minimum over the training stays
 * @param max per-channel maximum over the training stays
 */
public record MinMaxNormalisation(double[] min, double[] max) {

    public MinMaxNormalisation {
        if (min == null || max == null || min.length != max.length || min.length == 0) {
            throw new IllegalArgumentException("min and max need one value per channel (same length, >= 1)");
        }
        for (int j = 0; j < min.length; j++) {
            if (!Double.isFinite(min[j]) || !Double.isFinite(max[j]) || max[j] < min[j]) {
                throw new IllegalArgumentException("channel " + j + " has min " + min[j] + " and max " + max[j]
                        + "; both must be finite with min <= max");
            }
        }
        min = min.clone();
        max = max.clone();
    }

    /** Min and max of the finite values of each channel over {@code train}. */
    public static MinMaxNormalisation fromTraining(List<Series> train, int channels) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("train must hold at least one stay to learn the scaling from");
        }
        double[] min = new double[channels];
        double[] max = new double[channels];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (Series s : train) {
            for (double[] row : s.values()) {
                if (row.length != channels) {
                    throw new IllegalArgumentException("a training row has " + row.length + " values; expected "
                            + channels + " channels");
                }
                for (int j = 0; j < channels; j++) {
                    if (Double.isFinite(row[j])) {
                        min[j] = Math.min(min[j], row[j]);
                        max[j] = Math.max(max[j], row[j]);
                    }
                }
            }
        }
        for (int j = 0; j < channels; j++) {
            if (min[j] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("channel " + j + " is never observed in the training stays; "
                        + "drop it before scaling");
            }
        }
        return new MinMaxNormalisation(min, max);
    }

    public int channels() {
        return min.length;
    }

    @Override
    public double[] min() {
        return min.clone();
    }

    @Override
    public double[] max() {
        return max.clone();
    }

    /** {@code series} scaled (a new series; NaN stays NaN, times unchanged). */
    public Series apply(Series series) {
        double[][] values = series.values();
        double[][] out = new double[values.length][];
        for (int k = 0; k < values.length; k++) {
            if (values[k].length != min.length) {
                throw new IllegalArgumentException("a row has " + values[k].length + " values; the scaling has "
                        + min.length + " channels");
            }
            out[k] = new double[min.length];
            for (int j = 0; j < min.length; j++) {
                double range = max[j] > min[j] ? max[j] - min[j] : 1.0;
                out[k][j] = (values[k][j] - min[j]) / range;
            }
        }
        return new Series(series.timesMillis().clone(), out);
    }

    public List<Series> apply(List<Series> series) {
        List<Series> out = new ArrayList<>(series.size());
        for (Series s : series) {
            out.add(apply(s));
        }
        return out;
    }
}
