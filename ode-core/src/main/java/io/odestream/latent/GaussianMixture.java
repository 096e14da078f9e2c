package io.odestream.latent;

import org.hipparchus.special.Erf;

/**
 * Quantiles of an equal-weight mixture of Gaussians with common σ, {@code (1/K) Σ_k N(m_k, σ²)}:
 * the Monte-Carlo predictive distribution. Found by bisection on the mixture's CDF, which is
 * monotone; bracketed by the extreme centres ± 9σ.
 */
final class GaussianMixture {
    private GaussianMixture() {
    }

    static double quantile(double[] centres, double sigma, double p) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double m : centres) {
            lo = Math.min(lo, m);
            hi = Math.max(hi, m);
        }
        lo -= 9 * sigma;
        hi += 9 * sigma;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo) + Math.abs(hi)); i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf(centres, sigma, mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    static double cdf(double[] centres, double sigma, double x) {
        double s = 0;
        for (double m : centres) {
            s += normalCdf((x - m) / sigma);
        }
        return s / centres.length;
    }

    static double normalCdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }
}
