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

    /**
     * The {@link Score} of one observation from equally weighted points decoded at its time (the
     * {@link SigmaPoints}, {@link ScoreMode#SIGMA_POINTS}): −log of the Gaussian whose mean and
     * covariance are the points' average and population covariance plus the observation noise σ²,
     * over the observed channels jointly (the full covariance, so channels that move together are not
     * counted as independent evidence), in the data's units; per channel the z-score against that
     * mean and marginal standard deviation — the same formula as {@link #of}'s z, which uses the
     * samples' mean and variance.
     *
     * @param decoded {@code decoded[k·C + j]}: channel j of point k's readout, normalised units
     */
    public static Score gaussian(LatentOdeModel model, double[] decoded, int points, double[] values,
                                 boolean[] mask) {
        LatentOdeSpec spec = model.spec();
        int c = spec.channels();
        double[] z = new double[c];
        Arrays.fill(z, Double.NaN);
        double[] means = new double[c];
        Arrays.fill(means, Double.NaN);
        int[] channel = new int[c];
        double[] mean = new double[c];
        double[] residual = new double[c];
        int n = 0;
        double logScales = 0;
        for (int j = 0; j < c; j++) {
            if (!EncoderInput.observed(values, mask, j)) {
                continue;
            }
            double m = 0;
            for (int k = 0; k < points; k++) {
                m += decoded[k * c + j];
            }
            m /= points;
            channel[n] = j;
            mean[n] = m;
            residual[n] = (values[j] - spec.mean(j)) / spec.std(j) - m;
            means[j] = spec.mean(j) + spec.std(j) * m;
            logScales += Math.log(spec.std(j));
            n++;
        }
        if (n == 0) {
            return new Score(Double.NaN, z, 0, means);
        }
        double[] cov = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int k = 0; k < points; k++) {
                    s += (decoded[k * c + channel[a]] - mean[a]) * (decoded[k * c + channel[b]] - mean[b]);
                }
                s /= points;
                if (a == b) {
                    double sigma = model.noiseSigma(channel[a]);
                    s += sigma * sigma;
                    z[channel[a]] = residual[a] / Math.sqrt(s);
                }
                cov[a * n + b] = s;
            }
        }
        double halfLogDet = Cholesky.factorInPlace(cov, n); // positive definite: σ² is on the diagonal
        double quadratic = Cholesky.forwardSubstituteInPlace(cov, n, residual); // rᵀ Σ⁻¹ r
        double nld = 0.5 * quadratic + halfLogDet + 0.5 * n * Math.log(2 * Math.PI) + logScales;
        return new Score(nld, z, n, means);
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
