package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {

    /** Bisection stops at a bracket of 1e-12 of the bracket's magnitude (here ~10): a few 1e-12 off. */
    @Test
    void aSingleCentreGivesTheNormalQuantiles() {
        double[] one = {2.0};
        assertEquals(2.0 - 1.6448536269514722 * 0.5, GaussianMixture.quantile(one, 0.5, 0.05), 1e-11);
        assertEquals(2.0, GaussianMixture.quantile(one, 0.5, 0.5), 1e-11);
        assertEquals(2.0 + 2.3263478740408408 * 0.5, GaussianMixture.quantile(one, 0.5, 0.99), 1e-11);
    }

    /**
     * Eight samples on each side and a small σ: the median is anywhere on a flat stretch of the CDF.
     * Centres moved by round-off (what two backends decoding the same draws give) must still report
     * the same point of it, or the same forecast differs between backends by the plateau's width.
     */
    @Test
    void onAPlateauCentresMovedByRoundOffGiveTheSameQuantile() {
        SplittableRandom random = new SplittableRandom(5);
        double[] centres = new double[16];
        double[] moved = new double[16];
        for (int i = 0; i < 16; i++) {
            centres[i] = (i < 8 ? -1 : 1) + 0.1 * random.nextGaussian();
            moved[i] = centres[i] * (1 + 1e-12 * random.nextGaussian());
        }
        double q = GaussianMixture.quantile(centres, 0.01, 0.5);
        assertEquals(q, GaussianMixture.quantile(moved, 0.01, 0.5), 1e-9);
    }

    @Test
    void theQuantileInvertsTheMixtureCdfForRandomAndBimodalMixtures() {
        SplittableRandom random = new SplittableRandom(3);
        double[] ps = {0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999};
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + random.nextInt(64);
            double[] centres = new double[k];
            boolean bimodal = trial % 2 == 0; // two clusters far apart: the CDF is flat between them
            for (int i = 0; i < k; i++) {
                centres[i] = random.nextGaussian() * (bimodal ? 0.1 : 3) + (bimodal && i % 2 == 0 ? 40 : 0);
            }
            double sigma = Math.exp(random.nextDouble(-4, 1));
            double previous = Double.NEGATIVE_INFINITY;
            for (double p : ps) {
                double q = GaussianMixture.quantile(centres, sigma, p);
                assertEquals(p, GaussianMixture.cdf(centres, sigma, q), 1e-9, "trial " + trial + " p " + p);
                assertTrue(q >= previous, "quantiles must be ordered");
                previous = q;
            }
        }
    }
}
