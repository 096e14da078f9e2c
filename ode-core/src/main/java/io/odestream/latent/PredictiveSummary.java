package io.odestream.latent;

/**
 * From decoded posterior samples to what a forecast reports: per query time and channel the mean,
 * the standard deviation and the 5/50/95 % quantiles of the predictive mixture
 * {@code (1/K) Σ_k N(readout(z_k), σ²)}, in the data's units. One place for it, so that every
 * backend that decodes the samples ({@link LatentFilter}, ode-djl's batched predictor) reports the
 * same numbers from the same samples.
 */
public final class PredictiveSummary {
    private static final double[] QUANTILES = {0.05, 0.5, 0.95};

    private PredictiveSummary() {
    }

    /**
     * @param decoded {@code decoded[i][k·C + j]}: channel j of sample k's readout at query i, in the
     *                model's normalised units
     */
    public static Prediction of(LatentOdeModel model, long[] queryTimesMillis, double[][] decoded, int samples) {
        int q = queryTimesMillis.length;
        int c = model.spec().channels();
        double[][] mean = new double[q][c];
        double[][] std = new double[q][c];
        double[][][] quantiles = new double[QUANTILES.length][q][c];
        double[] centres = new double[samples];
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < c; j++) {
                for (int k = 0; k < samples; k++) {
                    centres[k] = decoded[i][k * c + j];
                }
                double sigma = model.noiseSigma(j);
                double m = 0;
                for (double v : centres) {
                    m += v;
                }
                m /= samples;
                double variance = sigma * sigma;
                for (double v : centres) {
                    variance += (v - m) * (v - m) / samples;
                }
                double scale = model.spec().std(j);
                double shift = model.spec().mean(j);
                mean[i][j] = shift + scale * m;
                std[i][j] = scale * Math.sqrt(variance);
                for (int p = 0; p < QUANTILES.length; p++) {
                    quantiles[p][i][j] = shift + scale * GaussianMixture.quantile(centres, sigma, QUANTILES[p]);
                }
            }
        }
        return new Prediction(queryTimesMillis.clone(), mean, std, quantiles[0], quantiles[1], quantiles[2], samples);
    }
}
