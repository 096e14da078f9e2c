package io.odestream.latent;

import java.util.Arrays;

/**
 * The {@link Score} of one observation from K posterior samples decoded at its time: −log of the
 * Monte-Carlo predictive density {@code (1/K) Σ_k Π_j N(x_j; readout_j(z_k), σ_j²)} of the observed
 * channels in the data's units, and per channel the z-score against the mixture's mean and
 * standard deviation. One place for the formula, so that every backend that decodes the samples
 * ({@link LatentFilter#score}, ode-djl's batched updater) scores alike from the same samples.
 */
public final class ObservationScore {
    private ObservationScore() {
    }

    /**
     * @param decoded {@code decoded[k·C + j]}: channel j of sample k's readout at the observation's
     *                time, in the model's normalised units
     * @param values  C values in the data's units; a channel is scored when
     *                {@link EncoderInput#observed} says it was observed
     */
    public static Score of(LatentOdeModel model, double[] decoded, int samples, double[] values, boolean[] mask) {
        int c = model.spec().channels();
        double[] z = new double[c];
        Arrays.fill(z, Double.NaN);
        double[] means = new double[c];
        Arrays.fill(means, Double.NaN);
        double[] logDensity = new double[samples];
        int observed = 0;
        double[] centres = new double[samples];
        for (int j = 0; j < c; j++) {
            if (!EncoderInput.observed(values, mask, j)) {
                continue;
            }
            observed++;
            double scale = model.spec().std(j);
            double x = (values[j] - model.spec().mean(j)) / scale;
            double sigma = model.noiseSigma(j);
            for (int k = 0; k < samples; k++) {
                centres[k] = decoded[k * c + j];
                double e = (x - centres[k]) / sigma;
                // Gaussian log density in data units: normalised density / scale.
                logDensity[k] += -0.5 * e * e - Math.log(sigma * scale) - 0.5 * Math.log(2 * Math.PI);
            }
            double m = average(centres);
            double variance = sigma * sigma;
            for (double v : centres) {
                variance += (v - m) * (v - m) / samples;
            }
            z[j] = (x - m) / Math.sqrt(variance);
            means[j] = model.spec().mean(j) + scale * m;
        }
        double nld = observed == 0 ? Double.NaN : -(logSumExp(logDensity) - Math.log(samples));
        return new Score(nld, z, observed, means);
    }

    private static double average(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double logSumExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - max);
        }
        return max + Math.log(s);
    }
}
