package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.List;

/**
 * The no-training reference: each channel's last observed value carried forward; a channel not yet
 * observed in the stay gets its mean over the training stays. It tells the reader what an MSE means:
 * a model must beat "nothing changes" to have learned dynamics.
 */
public final class LastValueForecaster implements SequenceForecaster {
    private final double[] trainingMean;

    public LastValueForecaster(double[] trainingMean) {
        for (int j = 0; j < trainingMean.length; j++) {
            if (!Double.isFinite(trainingMean[j])) {
                throw new IllegalArgumentException("trainingMean[" + j + "] is " + trainingMean[j]
                        + "; every channel needs a finite fallback value");
            }
        }
        this.trainingMean = trainingMean.clone();
    }

    /** With the per-channel mean of the finite values of {@code train}. */
    public static LastValueForecaster fromTraining(List<Series> train, int channels) {
        double[] sum = new double[channels];
        long[] count = new long[channels];
        for (Series s : train) {
            for (double[] row : s.values()) {
                for (int j = 0; j < channels; j++) {
                    if (Double.isFinite(row[j])) {
                        sum[j] += row[j];
                        count[j]++;
                    }
                }
            }
        }
        for (int j = 0; j < channels; j++) {
            if (count[j] == 0) {
                throw new IllegalArgumentException("channel " + j + " is never observed in the training stays");
            }
            sum[j] /= count[j];
        }
        return new LastValueForecaster(sum);
    }

    /** Per channel the value used before the channel's first observation: its training mean. */
    public double[] fallback() {
        return trainingMean.clone();
    }

    @Override
    public double[][] oneStepAhead(long[] timesMillis, double[][] values) {
        double[] last = trainingMean.clone();
        double[][] out = new double[values.length][];
        for (int k = 0; k < values.length; k++) {
            out[k] = last.clone();
            absorb(last, values[k]);
        }
        return out;
    }

    @Override
    public double[][] predict(long[] timesMillis, double[][] values, long[] queryTimesMillis) {
        double[] last = trainingMean.clone();
        for (double[] row : values) {
            absorb(last, row);
        }
        double[][] out = new double[queryTimesMillis.length][];
        for (int q = 0; q < out.length; q++) {
            out[q] = last.clone();
        }
        return out;
    }

    private void absorb(double[] last, double[] row) {
        if (row.length != last.length) {
            throw new IllegalArgumentException("a row has " + row.length + " values; expected " + last.length);
        }
        for (int j = 0; j < row.length; j++) {
            if (Double.isFinite(row[j])) {
                last[j] = row[j];
            }
        }
    }
}
