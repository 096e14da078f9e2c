package io.odestream.eval.classify;

/**
 * Z-scores per feature, learned on the training rows and applied to any rows (a feature that is
 * constant in training is only centred), so every head sees inputs of unit scale.
 */
public record FeatureScaling(double[] mean, double[] std) {

    public static FeatureScaling fromTraining(double[] x, int features) {
        int rows = x.length / features;
        double[] mean = new double[features];
        double[] sq = new double[features];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                mean[j] += x[r * features + j];
            }
        }
        for (int j = 0; j < features; j++) {
            mean[j] /= rows;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < features; j++) {
                double d = x[r * features + j] - mean[j];
                sq[j] += d * d;
            }
        }
        double[] std = new double[features];
        for (int j = 0; j < features; j++) {
            double s = Math.sqrt(sq[j] / Math.max(1, rows - 1));
            std[j] = s > 1e-12 ? s : 1.0;
        }
        return new FeatureScaling(mean, std);
    }

    /** A scaled copy of {@code x} (rows × features). */
    public double[] apply(double[] x) {
        int f = mean.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean[i % f]) / std[i % f];
        }
        return out;
    }
}
