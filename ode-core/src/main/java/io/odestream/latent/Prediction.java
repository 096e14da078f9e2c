package io.odestream.latent;

/**
 * The predictive distribution at each query time and channel, in the data's own units: mean,
 * standard deviation and the 5 / 50 / 95 % quantiles of the Monte-Carlo mixture
 * {@code (1/K) Σ_k N(readout(z_k(t)), σ_c²)}.
 *
 * @param times    the query times (epoch ms), in the order asked
 * @param mean     [query][channel]
 * @param std      [query][channel]
 * @param q05      [query][channel]
 * @param q50      [query][channel]
 * @param q95      [query][channel]
 * @param samples  K, the number of posterior samples
 */
public record Prediction(long[] times, double[][] mean, double[][] std, double[][] q05, double[][] q50, double[][] q95,
                         int samples) {
}
