package io.odestream.latent;

import java.io.Serializable;

/**
 * An anomaly score other than the Gaussian predictive density: a density over the observation's
 * standardised residuals (its per-channel z-scores against the latent-ODE predictive), e.g. the
 * conditional flow {@code io.odestream.flow.ResidualFlowScorer}, for residuals that are skewed,
 * heavy-tailed or correlated across channels where the Gaussian is not. {@link SeriesMonitor} puts
 * its value in the score's {@code negativeLogDensity}, the number the alert policy calibrates.
 *
 * <p>Not shared between threads: a monitor's scorer is its own.
 */
public interface ResidualScorer extends Serializable {

    /**
     * −log p(z | gap) of the standardised residuals, or NaN to keep the Gaussian score (a scorer
     * that cannot score this observation, e.g. with a channel missing).
     *
     * @param zScores   per channel (x − predictive mean) / predictive std; NaN where not observed
     * @param gapMillis time since the series' state, the predictive's horizon
     */
    double negativeLogDensity(double[] zScores, long gapMillis);
}
