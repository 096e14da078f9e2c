package io.odestream.latent;

import org.apache.commons.numbers.gamma.Erfc;

/**
 * Quantiles of an equal-weight mixture of Gaussians with common σ, {@code (1/K) Σ_k N(m_k, σ²)}:
 * the Monte-Carlo predictive distribution. Found by bisection on the mixture's CDF, which is
 * monotone; bracketed by the extreme centres ± 9σ.
 *
 * <p>Why bisection, at ~45 CDF evaluations: with few samples and a small σ the CDF has plateaus
 * (the median between two clusters of centres is any point of a flat stretch), and bisection
 * lands on the same point of a plateau when the centres move by round-off, so two backends that
 * draw the same samples report the same quantiles. Newton's method from the moment-matched
 * Gaussian was tried (2026-12-02): ~4× faster, but it stops anywhere on a plateau, and the djl
 * and java forecasts then differed by 1e-4 instead of 1e-9.
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

    /**
     * Quantile of {@code w · (1/K) Σ_k N(m_k, σ²) + (1 − w) · N(0, 1)}: the model's mixture reverting to
     * the training marginal (normalised units) beyond the trained horizon ({@link ForecastLimits}).
     * With {@code w = 1} exactly {@link #quantile(double[], double, double)}.
     */
    static double quantile(double[] centres, double sigma, double p, double w) {
        if (w >= 1.0) {
            return quantile(centres, sigma, p);
        }
        double lo = -9;
        double hi = 9;
        for (double m : centres) {
            lo = Math.min(lo, m - 9 * sigma);
            hi = Math.max(hi, m + 9 * sigma);
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo) + Math.abs(hi)); i++) {
            double mid = 0.5 * (lo + hi);
            if (w * cdf(centres, sigma, mid) + (1 - w) * normalCdf(mid) < p) {
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
        return 0.5 * Erfc.value(-x / Math.sqrt(2));
    }
}
