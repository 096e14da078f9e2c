package io.odestream.classify;

import java.util.Arrays;

/**
 * The weighted mean cross-entropy of a softmax over K logits,
 * {@code L = Σ_r w_{y_r} (logΣ_k e^{l_rk} − l_{r,y_r}) / Σ_r w_{y_r}}, and its gradient
 * {@code ∂L/∂l_rk = w_{y_r} (softmax_rk − [k = y_r]) / Σ_r w_{y_r}}. Class weights let a rare class
 * count as much as a common one (e.g. inverse frequencies); all ones give the plain mean.
 */
public final class SoftmaxCrossEntropy {
    private final double[] classWeights;

    /** @param classWeights one positive weight per class */
    public SoftmaxCrossEntropy(double[] classWeights) {
        for (double w : classWeights) {
            if (!(w > 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("class weights must be positive and finite, got "
                        + Arrays.toString(classWeights));
            }
        }
        this.classWeights = classWeights.clone();
    }

    /** Every class weighs 1. */
    public static SoftmaxCrossEntropy unweighted(int classes) {
        double[] ones = new double[classes];
        Arrays.fill(ones, 1.0);
        return new SoftmaxCrossEntropy(ones);
    }

    /** Weights inversely proportional to each class's count in {@code labels}, scaled to mean 1 over the rows. */
    public static SoftmaxCrossEntropy balanced(int[] labels, int classes) {
        long[] counts = new long[classes];
        for (int y : labels) {
            counts[y]++;
        }
        double[] w = new double[classes];
        for (int k = 0; k < classes; k++) {
            w[k] = counts[k] == 0 ? 1.0 : labels.length / (double) (classes * counts[k]);
        }
        return new SoftmaxCrossEntropy(w);
    }

    public int classes() {
        return classWeights.length;
    }

    /**
     * @param logits rows × K
     * @param labels the class of each row, 0..K−1
     * @param grad   rows × K, overwritten with dL/dlogits
     * @return the loss
     */
    public double lossAndGradient(double[] logits, int[] labels, int labelOffset, double[] grad, int rows) {
        int k = classWeights.length;
        double total = 0;
        double weightSum = 0;
        for (int r = 0; r < rows; r++) {
            int y = labels[labelOffset + r];
            if (y < 0 || y >= k) {
                throw new IllegalArgumentException("label " + y + " of row " + (labelOffset + r) + " is not a class of 0.."
                        + (k - 1));
            }
            int base = r * k;
            double logSumExp = softmaxRow(logits, grad, base, k);
            double w = classWeights[y];
            total += w * (logSumExp - logits[base + y]);
            weightSum += w;
            for (int j = 0; j < k; j++) {
                grad[base + j] = w * (grad[base + j] - (j == y ? 1.0 : 0.0));
            }
        }
        double scale = 1.0 / weightSum;
        for (int i = 0; i < rows * k; i++) {
            grad[i] *= scale;
        }
        return total * scale;
    }

    /** The softmax of each row of {@code logits} (rows × K) into {@code out}. */
    public static void softmax(double[] logits, double[] out, int rows, int k) {
        for (int r = 0; r < rows; r++) {
            softmaxRow(logits, out, r * k, k);
        }
    }

    /**
     * The softmax of {@code logits[base .. base+k)} into {@code out} at the same place, shifted by the
     * row's maximum so no exponential overflows; returns the row's log-sum-exp.
     */
    private static double softmaxRow(double[] logits, double[] out, int base, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[base + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            out[base + j] = Math.exp(logits[base + j] - max);
            sum += out[base + j];
        }
        for (int j = 0; j < k; j++) {
            out[base + j] /= sum;
        }
        return Math.log(sum) + max;
    }
}
